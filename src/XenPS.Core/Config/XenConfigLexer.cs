using System.Text;

namespace XenPS.Config;

internal enum TokenKind
{
    Ident,
    Number,
    String,
    Newline,
    Comma,
    LBracket,
    RBracket,
    Equals,
    PlusEquals,
    Semicolon,
    End,
}

internal readonly record struct Token(TokenKind Kind, int Start, int Length, string? Value, char Quote);

/// <summary>
/// The xl.cfg lexer, rule for rule as libxlu's flex scanner (<c>tools/libs/util/libxlu_cfg_l.l</c>) and its
/// string unquoting (<c>xlu__cfgl_dequote</c> in <c>libxlu_cfg.c</c>), including its quirks: a comment is a
/// NEWLINE token and must end with a newline, only space and tab are blanks (a carriage return is an error),
/// <c>\x</c> escapes never work and octal escapes are consumed but produce no character.
/// Errors are <see cref="XenConfigException"/> at the true position of the offending character.
/// </summary>
internal sealed class XenConfigLexer
{
    private readonly string _text;
    private readonly string? _fileName;
    private readonly LineMap _lines;
    private int _pos;

    public XenConfigLexer(string text, string? fileName, LineMap lines)
    {
        _text = text;
        _fileName = fileName;
        _lines = lines;
    }

    public Token Next()
    {
        while (_pos < _text.Length && (_text[_pos] == ' ' || _text[_pos] == '\t'))
        {
            _pos++;
        }

        if (_pos >= _text.Length)
        {
            return new Token(TokenKind.End, _text.Length, 0, null, '\0');
        }

        int start = _pos;
        char c = _text[_pos];
        switch (c)
        {
            case '\n':
                _pos++;
                return new Token(TokenKind.Newline, start, 1, null, '\0');
            case '#':
            {
                int nl = _text.IndexOf('\n', _pos);
                if (nl < 0)
                {
                    throw Error(start, "lexical error near `#': a comment must end with a newline (xl's lexer reads a comment only up to a newline, and this one is at the end of the file without one)");
                }

                _pos = nl + 1;
                return new Token(TokenKind.Newline, start, _pos - start, null, '\0');
            }

            case ',':
                _pos++;
                return new Token(TokenKind.Comma, start, 1, null, '\0');
            case '[':
                _pos++;
                return new Token(TokenKind.LBracket, start, 1, null, '\0');
            case ']':
                _pos++;
                return new Token(TokenKind.RBracket, start, 1, null, '\0');
            case '=':
                _pos++;
                return new Token(TokenKind.Equals, start, 1, null, '\0');
            case ';':
                _pos++;
                return new Token(TokenKind.Semicolon, start, 1, null, '\0');
            case '+' when _pos + 1 < _text.Length && _text[_pos + 1] == '=':
                _pos += 2;
                return new Token(TokenKind.PlusEquals, start, 2, null, '\0');
            case '\'':
            case '"':
                return LexString(c);
        }

        if (c is >= 'a' and <= 'z')
        {
            _pos++;
            while (_pos < _text.Length && (_text[_pos] is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            {
                _pos++;
            }

            return new Token(TokenKind.Ident, start, _pos - start, _text[start.._pos], '\0');
        }

        if (c is >= '0' and <= '9')
        {
            _pos++;
            while (_pos < _text.Length && (_text[_pos] is (>= '0' and <= '9') or (>= 'a' and <= 'f') or 'x'))
            {
                _pos++;
            }

            return new Token(TokenKind.Number, start, _pos - start, _text[start.._pos], '\0');
        }

        throw LexicalError(start);
    }

    private Token LexString(char quote)
    {
        int start = _pos;
        int i = _pos + 1;
        while (true)
        {
            if (i >= _text.Length || _text[i] == '\n')
            {
                // The string rule does not match: xl's catch-all '.' takes the quote and reports a lexical error.
                throw Error(start, $"lexical error near `{Near(start)}': unterminated string (a quoted string must end on the line it starts; write a newline as \\n)");
            }

            char ch = _text[i];
            if (ch == '\0')
            {
                throw Error(i, "lexical error: NUL character inside a string (xl cannot hold it)");
            }

            if (ch == quote)
            {
                break;
            }

            if (ch == '\\')
            {
                if (i + 1 >= _text.Length || _text[i + 1] == '\n')
                {
                    throw Error(start, $"lexical error near `{Near(start)}': unterminated string (a backslash cannot continue a string onto the next line)");
                }

                if (_text[i + 1] == '\0')
                {
                    throw Error(i + 1, "lexical error: NUL character inside a string (xl cannot hold it)");
                }

                i += 2;
                continue;
            }

            i++;
        }

        int end = i + 1;
        _pos = end;
        string value = Dequote(start, end);
        return new Token(TokenKind.String, start, end - start, value, quote);
    }

    /// <summary>xlu__cfgl_dequote, including its broken numeric escapes.</summary>
    private string Dequote(int start, int end)
    {
        var sb = new StringBuilder(end - start);
        int p = start + 1;
        int close = end - 1;
        while (p < close)
        {
            char c = _text[p++];
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            int backslash = p - 1;
            char nc = _text[p++];
            switch (nc)
            {
                case '"':
                case '\'':
                case '\\':
                    sb.Append(nc);
                    break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case 'x':
                    // libxlu skips one more character and then requires more than two hex digits out of at most
                    // two: the check can never pass, so every \x escape is an error in xl.
                    throw Error(backslash, "lexical error: invalid digit after backslash hex numerical character escape in quoted string (xl cannot read \\x escapes)");
                case >= '0' and <= '7':
                {
                    // libxlu parses up to three following characters with strtoul(..., 10), requires at least two
                    // of them to be consumed, advances past them and discards the value: no character is produced.
                    int n = CNumbers.Scan(_text, p, Math.Min(3, Math.Max(0, end - p)), 10, out _, out _);
                    if (n <= 1)
                    {
                        throw Error(backslash, "lexical error: invalid digit after backslash octal numerical character escape in quoted string");
                    }

                    p += n;
                    if (p > close)
                    {
                        // strtoul stopped at the closing quote at the latest; keep the invariant explicit.
                        p = close;
                    }

                    break;
                }

                default:
                    throw Error(backslash, $"lexical error: invalid character after backlash in quoted string (`\\{Printable(nc)}'; valid escapes are \\\" \\' \\\\ \\a \\b \\f \\n \\r \\t \\v)");
            }
        }

        return sb.ToString();
    }

    private XenConfigException LexicalError(int start)
    {
        char c = _text[start];
        string detail = c switch
        {
            '\r' => "carriage return: xl.cfg files must use LF line endings, not CRLF",
            '\uFEFF' => "byte order mark: xl's lexer cannot read a file that starts with a BOM",
            '\0' => "NUL character",
            >= 'A' and <= 'Z' => "setting names are lower case ([a-z][_0-9a-z]*)",
            '+' or '-' or '.' or '(' or ')' or ':' or '*' or '/' => "xl.cfg is not Python: it has no expressions, only strings, numbers and lists (the config file looks like it contains Python code)",
            '{' or '}' => "xl.cfg has no dictionaries, only strings, numbers and lists",
            _ => "expected a setting name, '=', a string, a number, a list, ',' or ';'",
        };
        return Error(start, $"lexical error near `{Near(start)}': {detail}");
    }

    private string Near(int start)
    {
        int i = start + 1;
        while (i < _text.Length && _text[i] != ' ' && _text[i] != '\t' && _text[i] != '\n' && i - start < 40)
        {
            i++;
        }

        return Printable(_text[start..i]);
    }

    private static string Printable(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s)
        {
            sb.Append(Printable(c));
        }

        return sb.ToString();
    }

    private static string Printable(char c) => c switch
    {
        '\r' => "\\r",
        '\0' => "\\0",
        '\uFEFF' => "<BOM>",
        < ' ' => $"\\x{(int)c:x2}",
        _ => c.ToString(),
    };

    internal XenConfigException Error(int offset, string message)
    {
        var (line, col) = _lines.Position(offset);
        return new XenConfigException(message, _fileName, line, col);
    }
}

/// <summary>Maps text offsets to 1-based line and column (columns count UTF-16 characters; a tab is one column).</summary>
internal sealed class LineMap
{
    private readonly int[] _starts;

    public LineMap(string text)
    {
        var starts = new List<int> { 0 };
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }

        _starts = starts.ToArray();
    }

    public (int Line, int Column) Position(int offset)
    {
        int idx = Array.BinarySearch(_starts, offset);
        if (idx < 0)
        {
            idx = ~idx - 1;
        }

        return (idx + 1, offset - _starts[idx] + 1);
    }

    public int LineStart(int line) => _starts[line - 1];
}
