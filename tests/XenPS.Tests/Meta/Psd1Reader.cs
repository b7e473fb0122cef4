using System.Globalization;
using System.Text;

namespace XenPS.Tests.Meta;

/// <summary>
/// A reader for the PowerShell data-file subset that module manifests use: hashtables, @() arrays,
/// single- and double-quoted strings (no expansion), numbers, $true/$false/$null, comments.
/// Anything else is an error with a line number, so a broken manifest fails the meta-tests.
/// </summary>
internal sealed class Psd1Reader
{
    private readonly string _text;
    private int _pos;

    private Psd1Reader(string text) => _text = text;

    public static Dictionary<string, object?> ReadHashtable(string text)
    {
        var r = new Psd1Reader(text);
        r.SkipTrivia();
        object? v = r.ReadValue();
        r.SkipTrivia();
        if (r._pos != r._text.Length)
        {
            throw r.Error("unexpected text after the manifest's hashtable");
        }

        return v as Dictionary<string, object?> ?? throw r.Error("a manifest is one hashtable");
    }

    private FormatException Error(string what)
    {
        int line = 1 + _text.AsSpan(0, Math.Min(_pos, _text.Length)).Count('\n');
        return new FormatException($"psd1 line {line}: {what}");
    }

    private char Peek => _pos < _text.Length ? _text[_pos] : '\0';

    private void SkipTrivia()
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (char.IsWhiteSpace(c))
            {
                _pos++;
            }
            else if (c == '#')
            {
                while (_pos < _text.Length && _text[_pos] != '\n')
                {
                    _pos++;
                }
            }
            else if (c == '<' && _pos + 1 < _text.Length && _text[_pos + 1] == '#')
            {
                int end = _text.IndexOf("#>", _pos + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw Error("unterminated block comment");
                }

                _pos = end + 2;
            }
            else
            {
                break;
            }
        }
    }

    private object? ReadValue() => ReadValue(allowCommaList: true);

    private object? ReadValue(bool allowCommaList)
    {
        SkipTrivia();
        char c = Peek;
        if (c == '@' && _pos + 1 < _text.Length && _text[_pos + 1] == '{')
        {
            _pos += 2;
            return ReadHashBody();
        }

        if (c == '@' && _pos + 1 < _text.Length && _text[_pos + 1] == '(')
        {
            _pos += 2;
            return ReadArrayBody(')');
        }

        if (c is '\'' or '"')
        {
            object first = ReadString();
            SkipInlineSpace();
            if (allowCommaList && Peek == ',')
            {
                var list = new List<object?> { first };
                while (Peek == ',')
                {
                    _pos++;
                    list.Add(ReadValue(allowCommaList: false));
                    SkipInlineSpace();
                }

                return list;
            }

            return first;
        }

        if (c == '$')
        {
            string word = ReadWord(1);
            return word.ToLowerInvariant() switch
            {
                "true" => true,
                "false" => false,
                "null" => null,
                _ => throw Error($"variable ${word} is not allowed in a data file"),
            };
        }

        if (char.IsDigit(c) || c == '-')
        {
            int start = _pos;
            _pos++;
            while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] == '.'))
            {
                _pos++;
            }

            string num = _text[start.._pos];
            return double.TryParse(num, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
                ? d
                : throw Error($"bad number '{num}'");
        }

        throw Error($"unexpected '{c}'");
    }

    private void SkipInlineSpace()
    {
        while (Peek is ' ' or '\t')
        {
            _pos++;
        }
    }

    private string ReadWord(int skip)
    {
        _pos += skip;
        int start = _pos;
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
        {
            _pos++;
        }

        return _text[start.._pos];
    }

    private string ReadString()
    {
        char q = _text[_pos++];
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error("unterminated string");
            }

            char c = _text[_pos++];
            if (c == q)
            {
                if (Peek == q)
                {
                    sb.Append(q);
                    _pos++;
                    continue;
                }

                return sb.ToString();
            }

            if (q == '"' && c == '`' && _pos < _text.Length)
            {
                sb.Append(_text[_pos++]);
                continue;
            }

            if (q == '"' && c == '$')
            {
                throw Error("expandable strings are not allowed in a data file");
            }

            sb.Append(c);
        }
    }

    private Dictionary<string, object?> ReadHashBody()
    {
        var dict = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            SkipTrivia();
            if (Peek == '}')
            {
                _pos++;
                return dict;
            }

            if (Peek == ';')
            {
                _pos++;
                continue;
            }

            string key = Peek is '\'' or '"' ? ReadString() : ReadWord(0);
            if (key.Length == 0)
            {
                throw Error("expected a key");
            }

            SkipTrivia();
            if (Peek != '=')
            {
                throw Error($"expected '=' after key '{key}'");
            }

            _pos++;
            if (!dict.TryAdd(key, ReadValue()))
            {
                throw Error($"duplicate key '{key}'");
            }
        }
    }

    private List<object?> ReadArrayBody(char close)
    {
        var list = new List<object?>();
        while (true)
        {
            SkipTrivia();
            if (Peek == close)
            {
                _pos++;
                return list;
            }

            if (Peek == ',')
            {
                _pos++;
                continue;
            }

            if (_pos >= _text.Length)
            {
                throw Error("unterminated array");
            }

            object? v = ReadValue();
            if (v is List<object?> inner && inner.Count > 0 && _text[_pos - 1] != ')')
            {
                list.AddRange(inner);
            }
            else
            {
                list.Add(v);
            }
        }
    }

    public static IReadOnlyList<string> Strings(object? value) => value switch
    {
        null => [],
        string s => [s],
        List<object?> l => l.Select(o => o as string ?? throw new FormatException("expected strings")).ToList(),
        _ => throw new FormatException("expected a string or an array of strings"),
    };
}
