using System.Text;
using System.Text.RegularExpressions;

namespace XenPS.Tests.NameCheck;

/// <summary>A <c>-Parameter</c> written after a command.</summary>
internal sealed record ParameterUse(string Name, int Line, int Column);

/// <summary>
/// A <c>Verb-Xen*</c> word found in a file. <see cref="InCommandPosition"/> is false when the word is
/// an argument of another command (<c>Get-Help Get-XenDomain -Full</c>) or prose: then only the
/// command's existence is checked and <see cref="Parameters"/> is empty.
/// </summary>
internal sealed record CommandUse(
    string File,
    string Name,
    int Line,
    int Column,
    bool InCommandPosition,
    IReadOnlyList<ParameterUse> Parameters,
    bool Splatted);

/// <summary>
/// Finds <c>Verb-Xen*</c> commands and the parameters written after them in PowerShell text and in
/// Markdown (fenced code, inline code, prose). A small tokenizer, not a parser: it knows comments,
/// quoted strings and here-strings (single-quoted ones are opaque; <c>$( )</c> inside double-quoted
/// ones is code), line continuation with a backtick, groups (<c>( ) { } [ ] @( ) @{ } $( )</c>),
/// statement separators and splatting. A command's parameters are the <c>-Name</c> tokens at its own
/// nesting level up to <c>|</c>, <c>;</c>, <c>&amp;&amp;</c>, <c>||</c>, a closing bracket or an
/// unescaped newline; operators such as <c>-eq</c> are not parameters. A line holding the text
/// <c>namecheck:ignore</c> is skipped (for tests that call a wrong name on purpose).
/// </summary>
internal static class PowerShellCommandScanner
{
    public const string IgnoreMarker = "namecheck:ignore";

    private static readonly Regex s_commandWord = new(
        @"^(?:XenPS\\)?(?<name>[A-Za-z]+-Xen[A-Za-z0-9]*)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static readonly Regex s_parameterWord = new(
        @"^-(?<name>[A-Za-z_?][A-Za-z0-9_]*)(?::.*)?$",
        RegexOptions.CultureInvariant | RegexOptions.Singleline);

    private static readonly Regex s_splatWord = new(@"^@[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);

    // In prose only a capitalised Verb-XenNoun counts ("non-Xen hosts" is English, not a command).
    private static readonly Regex s_proseCommand = new(
        @"(?<![A-Za-z0-9_\\-])[A-Z][a-z]+-Xen[A-Z0-9][A-Za-z0-9]*(?![A-Za-z0-9_])",
        RegexOptions.CultureInvariant);

    private static readonly Regex s_inlineCode = new(@"(?<ticks>`+)(?<code>.+?)\k<ticks>", RegexOptions.CultureInvariant);

    private static readonly Regex s_fence = new(@"^\s{0,3}(?<fence>```+|~~~+)", RegexOptions.CultureInvariant);

    private static readonly Regex s_prompt = new(@"^\s*PS(?:\s+[^>\r\n]*)?>\s?", RegexOptions.CultureInvariant);

    // PowerShell operators that look like parameters: never a parameter of the command before them.
    private static readonly HashSet<string> s_operators = new(StringComparer.OrdinalIgnoreCase)
    {
        "eq", "ne", "gt", "ge", "lt", "le", "like", "notlike", "match", "notmatch", "contains", "notcontains",
        "in", "notin", "replace", "split", "join", "is", "isnot", "as", "and", "or", "xor", "not", "band",
        "bor", "bxor", "bnot", "shl", "shr", "f",
        "ieq", "ine", "igt", "ige", "ilt", "ile", "ilike", "inotlike", "imatch", "inotmatch", "icontains",
        "inotcontains", "iin", "inotin", "ireplace", "isplit",
        "ceq", "cne", "cgt", "cge", "clt", "cle", "clike", "cnotlike", "cmatch", "cnotmatch", "ccontains",
        "cnotcontains", "cin", "cnotin", "creplace", "csplit",
    };

    // Words after which a command may start (besides the start of a statement and an opening bracket).
    private static readonly HashSet<string> s_commandIntroducers = new(StringComparer.OrdinalIgnoreCase)
    {
        "=", "+=", "-=", "*=", "/=", "%=", "??=", "&", ".", "return", "throw", "in",
    };

    /// <summary>Commands in a PowerShell script (.ps1/.psm1 text).</summary>
    public static IReadOnlyList<CommandUse> ScanPowerShell(string text, string file)
    {
        var ignored = IgnoredLines(text);
        var tokens = new Tokenizer(text, lineOffset: 0, firstLineColumnOffset: 0).Tokenize();
        return FindCommands(tokens, file).Where(c => !ignored.Contains(c.Line)).ToList();
    }

    /// <summary>Commands in a Markdown file: fenced code blocks (a leading <c>PS&gt;</c> prompt is skipped), inline code and prose.</summary>
    public static IReadOnlyList<CommandUse> ScanMarkdown(string text, string file)
    {
        var ignored = IgnoredLines(text);
        var result = new List<CommandUse>();
        string[] lines = text.Split('\n');
        int i = 0;
        while (i < lines.Length)
        {
            string line = lines[i].TrimEnd('\r');
            Match fence = s_fence.Match(line);
            if (fence.Success)
            {
                string marker = fence.Groups["fence"].Value;
                int start = i + 1;
                int end = start;
                while (end < lines.Length && !lines[end].TrimStart().StartsWith(marker, StringComparison.Ordinal))
                {
                    end++;
                }

                var block = new StringBuilder();
                for (int k = start; k < end; k++)
                {
                    string codeLine = lines[k].TrimEnd('\r');
                    Match prompt = s_prompt.Match(codeLine);
                    if (prompt.Success)
                    {
                        // Keep columns true: replace the prompt with spaces.
                        codeLine = new string(' ', prompt.Length) + codeLine[prompt.Length..];
                    }

                    block.Append(codeLine).Append('\n');
                }

                var tokens = new Tokenizer(block.ToString(), lineOffset: start, firstLineColumnOffset: 0).Tokenize();
                result.AddRange(FindCommands(tokens, file));
                i = end + 1;
                continue;
            }

            // Inline code spans are code; the rest of the line is prose (names only).
            var prose = new StringBuilder(line);
            foreach (Match span in s_inlineCode.Matches(line))
            {
                Group code = span.Groups["code"];
                var tokens = new Tokenizer(code.Value, lineOffset: i, firstLineColumnOffset: code.Index).Tokenize();
                result.AddRange(FindCommands(tokens, file));
                for (int k = span.Index; k < span.Index + span.Length; k++)
                {
                    prose[k] = ' ';
                }
            }

            foreach (Match word in s_proseCommand.Matches(prose.ToString()))
            {
                result.Add(new CommandUse(file, word.Value, i + 1, word.Index + 1, false, [], false));
            }

            i++;
        }

        return result.Where(c => !ignored.Contains(c.Line)).ToList();
    }

    private static readonly Regex s_helpPageName = new(@"^[A-Za-z]+-Xen[A-Za-z0-9]*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static readonly Regex s_parameterHeading = new(@"^###\s+-(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*$", RegexOptions.CultureInvariant);

    /// <summary>
    /// A PlatyPS cmdlet page (en-US/Verb-XenNoun.md) documents its command's parameters under
    /// "### -Name" headings: each must be a parameter of that command. Null for other files.
    /// </summary>
    public static CommandUse? ScanHelpPageParameters(string text, string file)
    {
        string command = Path.GetFileNameWithoutExtension(file);
        if (!s_helpPageName.IsMatch(command))
        {
            return null;
        }

        var parameters = new List<ParameterUse>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            Match heading = s_parameterHeading.Match(lines[i].TrimEnd('\r'));
            if (heading.Success)
            {
                parameters.Add(new ParameterUse(heading.Groups["name"].Value, i + 1, heading.Groups["name"].Index));
            }
        }

        return new CommandUse(file, command, 1, 1, true, parameters, false);
    }

    private static HashSet<int> IgnoredLines(string text)
    {
        var set = new HashSet<int>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Contains(IgnoreMarker, StringComparison.Ordinal))
            {
                set.Add(i + 1);
            }
        }

        return set;
    }

    private static List<CommandUse> FindCommands(List<Token> tokens, string file)
    {
        var result = new List<CommandUse>();
        bool commandPosition = true;
        for (int i = 0; i < tokens.Count; i++)
        {
            Token t = tokens[i];
            switch (t.Kind)
            {
                case TokenKind.Newline:
                case TokenKind.Terminator:
                case TokenKind.Open:
                    commandPosition = true;
                    continue;
                case TokenKind.Close:
                    commandPosition = false;
                    continue;
                case TokenKind.Word:
                    break;
                default:
                    commandPosition = false;
                    continue;
            }

            Match m = s_commandWord.Match(t.Text);
            if (m.Success)
            {
                string name = m.Groups["name"].Value;
                if (commandPosition)
                {
                    (List<ParameterUse> parameters, bool splatted) = CollectParameters(tokens, i + 1);
                    result.Add(new CommandUse(file, name, t.Line, t.Column, true, parameters, splatted));
                }
                else
                {
                    result.Add(new CommandUse(file, name, t.Line, t.Column, false, [], false));
                }
            }

            commandPosition = s_commandIntroducers.Contains(t.Text);
        }

        return result;
    }

    private static (List<ParameterUse> Parameters, bool Splatted) CollectParameters(List<Token> tokens, int start)
    {
        var parameters = new List<ParameterUse>();
        bool splatted = false;
        int depth = 0;
        for (int i = start; i < tokens.Count; i++)
        {
            Token t = tokens[i];
            if (t.Kind == TokenKind.Open)
            {
                depth++;
                continue;
            }

            if (t.Kind == TokenKind.Close)
            {
                if (depth == 0)
                {
                    break;
                }

                depth--;
                continue;
            }

            if (depth > 0)
            {
                continue;
            }

            if (t.Kind is TokenKind.Terminator or TokenKind.Newline)
            {
                break;
            }

            if (t.Kind != TokenKind.Word)
            {
                continue;
            }

            if (t.Text is "--" or "--%")
            {
                // End of parameters / stop-parsing: the rest are plain arguments.
                break;
            }

            if (s_splatWord.IsMatch(t.Text))
            {
                splatted = true;
                continue;
            }

            Match p = s_parameterWord.Match(t.Text);
            if (p.Success && !s_operators.Contains(p.Groups["name"].Value))
            {
                parameters.Add(new ParameterUse(p.Groups["name"].Value, t.Line, t.Column));
            }
        }

        return (parameters, splatted);
    }

    private enum TokenKind
    {
        Word,
        String,
        Open,
        Close,
        Terminator,
        Newline,
    }

    private readonly record struct Token(TokenKind Kind, string Text, int Line, int Column);

    /// <summary>Turns PowerShell text into the few token kinds the scan needs. Lines and columns are 1-based.</summary>
    private sealed class Tokenizer(string text, int lineOffset, int firstLineColumnOffset)
    {
        private readonly List<Token> _tokens = [];
        private int _pos;
        private int _line;
        private int _lineStart;

        public List<Token> Tokenize()
        {
            ScanCode(closer: null);
            return _tokens;
        }

        private char Peek(int ahead = 0) => _pos + ahead < text.Length ? text[_pos + ahead] : '\0';

        private int Column(int pos) => pos - _lineStart + 1 + (_line == 0 ? firstLineColumnOffset : 0);

        private void Emit(TokenKind kind, string value, int pos) => _tokens.Add(new Token(kind, value, _line + 1 + lineOffset, Column(pos)));

        private void NewLineAt(int newlinePos)
        {
            _line++;
            _lineStart = newlinePos + 1;
        }

        // Scans code until the end, or until the unmatched closer (')' of a "$( )" inside a string).
        private void ScanCode(char? closer)
        {
            int depth = 0;
            while (_pos < text.Length)
            {
                char c = Peek();
                int start = _pos;
                if (c == '\n')
                {
                    Emit(TokenKind.Newline, "\n", start);
                    NewLineAt(_pos);
                    _pos++;
                }
                else if (c is ' ' or '\t' or '\r' or '\f' or '\v' or '\u00a0')
                {
                    _pos++;
                }
                else if (c == '`' && (Peek(1) == '\n' || (Peek(1) == '\r' && Peek(2) == '\n')))
                {
                    // Line continuation: no newline token.
                    _pos += Peek(1) == '\r' ? 2 : 1;
                    NewLineAt(_pos);
                    _pos++;
                }
                else if (c == '<' && Peek(1) == '#')
                {
                    SkipBlockComment();
                }
                else if (c == '#')
                {
                    while (_pos < text.Length && Peek() != '\n')
                    {
                        _pos++;
                    }
                }
                else if (c == '\'' || IsSingleQuote(c))
                {
                    SkipSingleQuoted();
                    Emit(TokenKind.String, text[start.._pos], start);
                }
                else if (c == '"' || IsDoubleQuote(c))
                {
                    ScanDoubleQuoted();
                    Emit(TokenKind.String, "\"", start);
                }
                else if (c == '@' && (Peek(1) == '\'' || Peek(1) == '"') && IsHereStringStart())
                {
                    ScanHereString();
                    Emit(TokenKind.String, "@", start);
                }
                else if ((c == '@' || c == '$') && (Peek(1) == '(' || (c == '@' && Peek(1) == '{')))
                {
                    _pos += 2;
                    Emit(TokenKind.Open, text[start.._pos], start);
                    depth++;
                }
                else if (c == '$' && Peek(1) == '{')
                {
                    // ${braced variable name}
                    while (_pos < text.Length && Peek() != '}' && Peek() != '\n')
                    {
                        _pos++;
                    }

                    _pos = Math.Min(_pos + 1, text.Length);
                    Emit(TokenKind.Word, text[start.._pos], start);
                }
                else if (c is '(' or '{' or '[')
                {
                    _pos++;
                    Emit(TokenKind.Open, c.ToString(), start);
                    depth++;
                }
                else if (c is ')' or '}' or ']')
                {
                    _pos++;
                    if (closer == c && depth == 0)
                    {
                        return;
                    }

                    Emit(TokenKind.Close, c.ToString(), start);
                    depth = Math.Max(0, depth - 1);
                }
                else if (c == ';')
                {
                    _pos++;
                    Emit(TokenKind.Terminator, ";", start);
                }
                else if (c == '|' || (c == '&' && Peek(1) == '&'))
                {
                    _pos += Peek(1) == c ? 2 : 1;
                    Emit(TokenKind.Terminator, text[start.._pos], start);
                }
                else if (c == ',')
                {
                    _pos++;
                    Emit(TokenKind.Word, ",", start);
                }
                else
                {
                    ScanWord();
                    if (_pos == start)
                    {
                        _pos++; // never stall on a character no rule consumed
                    }

                    Emit(TokenKind.Word, text[start.._pos], start);
                }
            }
        }

        private void ScanWord()
        {
            int start = _pos;
            while (_pos < text.Length)
            {
                char c = Peek();
                if (char.IsWhiteSpace(c) || c is '|' or ';' or '(' or ')' or '{' or '}' or '[' or ']' or ',' or '\'' or '"' || IsSingleQuote(c) || IsDoubleQuote(c))
                {
                    // Quotes inside a bare word (-Name:'x', a"b") end this token; the string is scanned next.
                    return;
                }

                if (c == '`')
                {
                    if (Peek(1) == '\n' || (Peek(1) == '\r' && Peek(2) == '\n'))
                    {
                        return; // a continuation, handled by ScanCode
                    }

                    _pos += 2; // escaped character
                    continue;
                }

                if (c == '&' && Peek(1) == '&')
                {
                    return;
                }

                if (c == '$' && Peek(1) == '(' && _pos > start)
                {
                    return;
                }

                _pos++;
            }

            _pos = Math.Min(_pos, text.Length);
        }

        private void SkipBlockComment()
        {
            _pos += 2;
            while (_pos < text.Length && !(Peek() == '#' && Peek(1) == '>'))
            {
                if (Peek() == '\n')
                {
                    NewLineAt(_pos);
                }

                _pos++;
            }

            _pos = Math.Min(_pos + 2, text.Length);
        }

        private void SkipSingleQuoted()
        {
            _pos++;
            while (_pos < text.Length)
            {
                char c = Peek();
                if (c == '\n')
                {
                    NewLineAt(_pos);
                }
                else if (c == '\'' || IsSingleQuote(c))
                {
                    if (Peek(1) == '\'' || IsSingleQuote(Peek(1)))
                    {
                        _pos += 2; // '' is a quote inside the string
                        continue;
                    }

                    _pos++;
                    return;
                }

                _pos++;
            }
        }

        private void ScanDoubleQuoted()
        {
            _pos++;
            while (_pos < text.Length)
            {
                char c = Peek();
                if (c == '\n')
                {
                    NewLineAt(_pos);
                    _pos++;
                }
                else if (c == '`')
                {
                    if (Peek(1) == '\n')
                    {
                        NewLineAt(_pos + 1);
                    }

                    _pos += 2;
                }
                else if (c == '$' && Peek(1) == '(')
                {
                    ScanSubexpression();
                }
                else if (c == '"' || IsDoubleQuote(c))
                {
                    if (Peek(1) == '"' || IsDoubleQuote(Peek(1)))
                    {
                        _pos += 2;
                        continue;
                    }

                    _pos++;
                    return;
                }
                else
                {
                    _pos++;
                }
            }
        }

        private bool IsHereStringStart()
        {
            int p = _pos + 2;
            while (p < text.Length && text[p] is ' ' or '\t')
            {
                p++;
            }

            return p >= text.Length || text[p] is '\n' or '\r';
        }

        private void ScanHereString()
        {
            char quote = Peek(1);
            _pos += 2;
            while (_pos < text.Length)
            {
                char c = Peek();
                if (c == '\n')
                {
                    NewLineAt(_pos);
                    _pos++;
                    // The closing quote+@ must start a line.
                    int p = _pos;
                    while (p < text.Length && text[p] is ' ' or '\t')
                    {
                        p++;
                    }

                    if (p + 1 < text.Length && text[p] == quote && text[p + 1] == '@')
                    {
                        _pos = p + 2;
                        return;
                    }
                }
                else if (quote == '"' && c == '$' && Peek(1) == '(')
                {
                    ScanSubexpression();
                }
                else if (quote == '"' && c == '`')
                {
                    _pos += Peek(1) == '\n' ? 1 : 2;
                }
                else
                {
                    _pos++;
                }
            }
        }

        // "$( code )" inside a string: the code is scanned like any other, between an Open and a Close.
        private void ScanSubexpression()
        {
            int start = _pos;
            _pos += 2;
            Emit(TokenKind.Open, "$(", start);
            ScanCode(closer: ')');
            Emit(TokenKind.Close, ")", Math.Max(start, _pos - 1));
        }

        private static bool IsSingleQuote(char c) => c is '\u2018' or '\u2019' or '\u201a' or '\u201b';

        private static bool IsDoubleQuote(char c) => c is '\u201c' or '\u201d' or '\u201e';
    }
}
