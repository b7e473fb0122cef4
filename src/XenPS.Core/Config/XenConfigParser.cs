namespace XenPS.Config;

/// <summary>One <c>KEY = VALUE</c> or <c>KEY += VALUE</c> statement as parsed, with its source span.</summary>
internal sealed record ParsedEntry(string Key, bool IsAppend, XenConfigValue Value, int KeyStart, int OpStart, int OpEnd, int Line, int Column);

/// <summary>
/// The xl.cfg grammar of libxlu (<c>libxlu_cfg_y.y</c>, xen 4.17):
/// <code>
/// file: stmts | stmts assignment
/// stmt: assignment endstmt | endstmt          endstmt: NEWLINE | ';'
/// assignment: IDENT '=' value | IDENT "+=" value
/// value: STRING | NUMBER | '[' nlok valuelist ']'
/// valuelist: /*empty*/ | values | values ',' nlok
/// values: value nlok | values ',' nlok value nlok
/// </code>
/// The parser accepts exactly that language and stops at the first error with the true position of the
/// offending token (xl's own message reports a NEWLINE token one line early).
/// </summary>
internal sealed class XenConfigParser
{
    private const int MaxDepth = 200;

    private readonly string _text;
    private readonly XenConfigLexer _lexer;
    private readonly LineMap _lines;
    private readonly string? _fileName;
    private Token _tok;

    private XenConfigParser(string text, string? fileName)
    {
        _text = text;
        _fileName = fileName;
        _lines = new LineMap(text);
        _lexer = new XenConfigLexer(text, fileName, _lines);
        _tok = _lexer.Next();
    }

    public static (List<ParsedEntry> Entries, LineMap Lines) Parse(string text, string? fileName)
    {
        var p = new XenConfigParser(text, fileName);
        return (p.ParseFile(), p._lines);
    }

    private void Advance() => _tok = _lexer.Next();

    private List<ParsedEntry> ParseFile()
    {
        var entries = new List<ParsedEntry>();
        var effective = new Dictionary<string, XenConfigValue>(StringComparer.Ordinal);
        while (true)
        {
            switch (_tok.Kind)
            {
                case TokenKind.End:
                    return entries;
                case TokenKind.Newline:
                case TokenKind.Semicolon:
                    Advance();
                    continue;
                case TokenKind.Ident:
                {
                    var entry = ParseAssignment();
                    if (entry.IsAppend && effective.TryGetValue(entry.Key, out var prev))
                    {
                        if ((prev.Kind == XenConfigValueKind.List) != (entry.Value.Kind == XenConfigValueKind.List))
                        {
                            throw Error(entry.Value.Start, $"can't add [list] to \"string\" or vice versa (`{entry.Key} +=' must add the same kind of value the setting already has)");
                        }

                        effective[entry.Key] = XenConfigValue.Concat(prev, entry.Value);
                    }
                    else
                    {
                        effective[entry.Key] = entry.IsAppend ? entry.Value.AsAppended() : entry.Value;
                    }

                    entries.Add(entry);
                    if (_tok.Kind is TokenKind.Newline or TokenKind.Semicolon)
                    {
                        Advance();
                    }
                    else if (_tok.Kind != TokenKind.End)
                    {
                        throw Unexpected($"after the value of `{entry.Key}'", "end of line or ';' (one setting per statement)");
                    }

                    continue;
                }

                default:
                    throw Unexpected("at the start of a statement", "a setting name ([a-z][_0-9a-z]*), end of line or ';'");
            }
        }
    }

    private ParsedEntry ParseAssignment()
    {
        var key = _tok;
        Advance();
        if (_tok.Kind is not (TokenKind.Equals or TokenKind.PlusEquals))
        {
            throw Unexpected($"after `{key.Value}'", "'=' or '+='");
        }

        var op = _tok;
        Advance();
        if (!IsValueStart(_tok.Kind))
        {
            throw Unexpected($"after `{key.Value} {(op.Kind == TokenKind.Equals ? "=" : "+=")}'", "a value: STRING or NUMBER or '[' (the value must be on the same line as its key)");
        }

        var value = ParseValue(0);
        var (line, col) = _lines.Position(key.Start);
        return new ParsedEntry(key.Value!, op.Kind == TokenKind.PlusEquals, value, key.Start, op.Start, op.Start + op.Length, line, col);
    }

    private static bool IsValueStart(TokenKind k) => k is TokenKind.String or TokenKind.Number or TokenKind.LBracket;

    private XenConfigValue ParseValue(int depth)
    {
        var t = _tok;
        var (line, col) = _lines.Position(t.Start);
        switch (t.Kind)
        {
            case TokenKind.String:
                Advance();
                return XenConfigValue.Parsed(XenConfigValueKind.String, t.Value, null, t.Start, t.Start + t.Length, line, col, t.Quote);
            case TokenKind.Number:
                Advance();
                return XenConfigValue.Parsed(XenConfigValueKind.Number, t.Value, null, t.Start, t.Start + t.Length, line, col, '\0');
            case TokenKind.LBracket:
                break;
            default:
                throw Unexpected("where a value belongs", "STRING or NUMBER or '['");
        }

        if (depth >= MaxDepth)
        {
            throw Error(t.Start, $"lists nested more than {MaxDepth} deep are not supported");
        }

        Advance();
        SkipNewlines();
        var items = new List<XenConfigValue>();
        if (_tok.Kind == TokenKind.RBracket)
        {
            int end = _tok.Start + 1;
            Advance();
            return XenConfigValue.Parsed(XenConfigValueKind.List, null, items, t.Start, end, line, col, '\0');
        }

        while (true)
        {
            if (!IsValueStart(_tok.Kind))
            {
                throw Unexpected(items.Count == 0 ? "after '['" : "after ','", items.Count == 0 ? "a value (STRING or NUMBER or '[') or ']'" : "a value (STRING or NUMBER or '[') or ']'", t.Start);
            }

            items.Add(ParseValue(depth + 1));
            SkipNewlines();
            if (_tok.Kind == TokenKind.RBracket)
            {
                break;
            }

            if (_tok.Kind != TokenKind.Comma)
            {
                throw Unexpected("after a list item", "',' or ']' (list items are separated by commas)", t.Start);
            }

            Advance();
            SkipNewlines();
            if (_tok.Kind == TokenKind.RBracket)
            {
                break;
            }
        }

        int close = _tok.Start + 1;
        Advance();
        return XenConfigValue.Parsed(XenConfigValueKind.List, null, items, t.Start, close, line, col, '\0');
    }

    private void SkipNewlines()
    {
        while (_tok.Kind == TokenKind.Newline)
        {
            Advance();
        }
    }

    private XenConfigException Unexpected(string where, string expected, int listStart = -1)
    {
        string found = Describe(_tok);
        string msg = $"syntax error {where}: unexpected {found}, expecting {expected}";
        if (_tok.Kind == TokenKind.End && listStart >= 0)
        {
            var (l, c) = _lines.Position(listStart);
            msg += $" (the list opened at line {l}, column {c} is not closed)";
        }

        return Error(_tok.Start, msg);
    }

    private string Describe(Token t) => t.Kind switch
    {
        TokenKind.End => "end of file",
        TokenKind.Newline when _text[t.Start] == '#' => "<newline> (a comment ends the line)",
        TokenKind.Newline => "<newline>",
        TokenKind.String => $"STRING `{Clip(_text.Substring(t.Start, t.Length))}'",
        TokenKind.Number => $"NUMBER `{t.Value}'",
        TokenKind.Ident => $"IDENT `{t.Value}'",
        TokenKind.Comma => "','",
        TokenKind.LBracket => "'['",
        TokenKind.RBracket => "']'",
        TokenKind.Equals => "'='",
        TokenKind.PlusEquals => "'+='",
        TokenKind.Semicolon => "';'",
        _ => t.Kind.ToString(),
    };

    private static string Clip(string s) => s.Length > 60 ? s[..57] + "..." : s;

    private XenConfigException Error(int offset, string message) => _lexer.Error(offset, message);
}
