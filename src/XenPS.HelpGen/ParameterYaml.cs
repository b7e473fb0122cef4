using System.Globalization;
using System.Text.RegularExpressions;

namespace XenPS.HelpGen;

/// <summary>
/// Reads a parameter's ```yaml block in the PlatyPS 1.x shape (keys in PlatyPS's order), and only
/// that shape: a plain YAML subset of scalars, block or flow lists of scalars, and the list of
/// ParameterSets maps. Anything else is a schema error naming the line.
/// </summary>
internal static partial class ParameterYaml
{
    private static readonly string[] s_keys =
        ["Type", "DefaultValue", "SupportsWildcards", "ParameterValue", "Aliases", "ParameterSets", "DontShow", "AcceptedValues", "HelpMessage"];

    private static readonly string[] s_optional = ["ParameterValue"];

    private static readonly string[] s_setKeys =
        ["Name", "Position", "IsRequired", "ValueFromPipeline", "ValueFromPipelineByPropertyName", "ValueFromRemainingArguments"];

    /// <summary>The parameter named <paramref name="name"/> from its description and its yaml block.</summary>
    public static ParameterHelp Parse(MarkdownSource source, string name, IReadOnlyList<string> description, CodeBlock yaml, int headingLine)
    {
        var scalars = new Dictionary<string, (string Value, int Index)>(StringComparer.Ordinal);
        var lists = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var sets = new List<ParameterSetFacts>();
        var expected = 0;
        var i = 0;
        var lines = yaml.Lines;
        int At(int k) => yaml.Index + 1 + k;

        while (i < lines.Count)
        {
            var line = lines[i];
            if (string.IsNullOrWhiteSpace(line))
            {
                i++;
                continue;
            }

            var m = TopKey().Match(line);
            if (!m.Success)
            {
                throw source.Error(At(i), $"-{name}: '{line.Trim()}' is not a 'Key: value' line of the parameter yaml.");
            }

            var key = m.Groups[1].Value;
            var value = m.Groups[2].Value.Trim();
            var position = Array.IndexOf(s_keys, key);
            if (position < 0)
            {
                throw source.Error(At(i), $"-{name}: unknown key '{key}'. The keys are, in this order: {string.Join(", ", s_keys)}.");
            }

            if (position < expected)
            {
                throw source.Error(At(i), $"-{name}: key '{key}' is out of order or repeated. The keys are, in this order: {string.Join(", ", s_keys)}.");
            }

            for (var skipped = expected; skipped < position; skipped++)
            {
                if (!s_optional.Contains(s_keys[skipped]))
                {
                    throw source.Error(At(i), $"-{name}: key '{s_keys[skipped]}' is missing before '{key}'.");
                }
            }

            expected = position + 1;
            var keyIndex = i;
            i++;
            if (key == "ParameterSets")
            {
                if (value.Length > 0)
                {
                    throw source.Error(At(keyIndex), $"-{name}: ParameterSets is a list of '- Name: ...' entries on the following lines.");
                }

                while (i < lines.Count && lines[i].StartsWith('-'))
                {
                    var entry = new Dictionary<string, string>(StringComparer.Ordinal);
                    var entryIndex = i;
                    var expectedSetKey = 0;
                    do
                    {
                        var text = lines[i].StartsWith('-') ? lines[i][1..] : lines[i];
                        var km = SetKey().Match(text);
                        if (!km.Success || (!lines[i].StartsWith('-') && !lines[i].StartsWith("  ", StringComparison.Ordinal)))
                        {
                            throw source.Error(At(i), $"-{name}: '{lines[i].Trim()}' is not a 'Key: value' line of a parameter set.");
                        }

                        var setKey = km.Groups[1].Value;
                        if (expectedSetKey >= s_setKeys.Length || s_setKeys[expectedSetKey] != setKey)
                        {
                            var want = expectedSetKey < s_setKeys.Length ? s_setKeys[expectedSetKey] : "the next '- Name:'";
                            throw source.Error(At(i), $"-{name}: parameter set key '{setKey}' where '{want}' belongs. A set's keys are, in this order: {string.Join(", ", s_setKeys)}.");
                        }

                        expectedSetKey++;
                        entry[setKey] = Scalar(km.Groups[2].Value);
                        i++;
                    }
                    while (i < lines.Count && lines[i].StartsWith("  ", StringComparison.Ordinal));

                    if (expectedSetKey < s_setKeys.Length)
                    {
                        throw source.Error(At(entryIndex), $"-{name}: parameter set '{entry.GetValueOrDefault("Name")}' lacks '{s_setKeys[expectedSetKey]}'.");
                    }

                    sets.Add(new ParameterSetFacts(
                        entry["Name"],
                        ParsePosition(source, At(entryIndex), name, entry["Position"]),
                        Bool(source, At(entryIndex), name, "IsRequired", entry["IsRequired"]),
                        Bool(source, At(entryIndex), name, "ValueFromPipeline", entry["ValueFromPipeline"]),
                        Bool(source, At(entryIndex), name, "ValueFromPipelineByPropertyName", entry["ValueFromPipelineByPropertyName"]),
                        Bool(source, At(entryIndex), name, "ValueFromRemainingArguments", entry["ValueFromRemainingArguments"])));
                }

                if (sets.Count == 0)
                {
                    throw source.Error(At(keyIndex), $"-{name}: ParameterSets is empty; a parameter is in at least one set ('- Name: (All)' for every set).");
                }

                continue;
            }

            if (value.Length == 0)
            {
                var items = new List<string>();
                while (i < lines.Count && lines[i].StartsWith('-'))
                {
                    items.Add(Scalar(lines[i][1..]));
                    i++;
                }

                if (items.Count == 0)
                {
                    throw source.Error(At(keyIndex), $"-{name}: '{key}:' has no value; write '' or [] for none.");
                }

                lists[key] = items;
                continue;
            }

            if (value.StartsWith('['))
            {
                if (!value.EndsWith(']'))
                {
                    throw source.Error(At(keyIndex), $"-{name}: '{key}: {value}' opens a [ list it does not close.");
                }

                lists[key] = value[1..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Scalar).ToList();
                continue;
            }

            scalars[key] = (Scalar(value), keyIndex);
        }

        for (var k = expected; k < s_keys.Length; k++)
        {
            if (!s_optional.Contains(s_keys[k]))
            {
                throw source.Error(yaml.Index + 1 + lines.Count, $"-{name}: key '{s_keys[k]}' is missing at the end of the yaml block.");
            }
        }

        string ScalarOf(string key)
        {
            if (lists.ContainsKey(key))
            {
                throw source.Error(yaml.Index, $"-{name}: '{key}' is a single value, not a list.");
            }

            return scalars[key].Value;
        }

        List<string> ListOf(string key)
        {
            if (lists.TryGetValue(key, out var list))
            {
                return list;
            }

            // PlatyPS writes an empty list as [] but a lone '' is the same nothing.
            var (value, index) = scalars[key];
            return value.Length == 0 ? [] : throw source.Error(At(index), $"-{name}: '{key}' is a list: write [] or one '- value' line per entry.");
        }

        var type = ScalarOf("Type");
        if (type.Length == 0)
        {
            throw source.Error(At(scalars["Type"].Index), $"-{name}: Type is empty; give the full .NET type name (System.String[]).");
        }

        return new ParameterHelp(
            name,
            description,
            type,
            ScalarOf("DefaultValue"),
            Bool(source, At(scalars["SupportsWildcards"].Index), name, "SupportsWildcards", ScalarOf("SupportsWildcards")),
            ListOf("Aliases"),
            sets,
            Bool(source, At(scalars["DontShow"].Index), name, "DontShow", ScalarOf("DontShow")),
            ListOf("AcceptedValues"),
            ScalarOf("HelpMessage"),
            headingLine);
    }

    private static int? ParsePosition(MarkdownSource source, int index, string name, string value)
    {
        if (string.Equals(value, "Named", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw source.Error(index, $"-{name}: Position '{value}' is neither Named nor a number.");
    }

    private static bool Bool(MarkdownSource source, int index, string name, string key, string value) =>
        value.ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => throw source.Error(index, $"-{name}: {key} is '{value}'; it is true or false."),
        };

    /// <summary>A YAML plain, 'single-quoted' or "double-quoted" scalar.</summary>
    public static string Scalar(string raw)
    {
        var value = raw.Trim();
        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'')
        {
            return value[1..^1].Replace("''", "'", StringComparison.Ordinal);
        }

        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            return value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
        }

        return value;
    }

    [GeneratedRegex(@"^([A-Za-z]+):(?:\s+(.*)|\s*)$")]
    private static partial Regex TopKey();

    [GeneratedRegex(@"^\s*([A-Za-z]+):(?:\s+(.*)|\s*)$")]
    private static partial Regex SetKey();
}
