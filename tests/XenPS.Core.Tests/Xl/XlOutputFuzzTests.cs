using System.Diagnostics;
using System.Text;
using XenPS.Toolstack.Xl;
using Xunit.Abstractions;

namespace XenPS.Core.Tests.Xl;

/// <summary>
/// Bounded, seeded fuzzing of every parser of host output (real Xen 4.17.7 outputs, mutated): whatever xl prints,
/// a parser returns or throws <see cref="XlOutputFormatException"/> naming the command and the offending line;
/// never OverflowException, KeyNotFoundException, FormatException, InvalidOperationException... (issue 13, case 8).
/// </summary>
public sealed class XlOutputFuzzTests
{
    private const int Seed = 0x0C0FFEE;
    private readonly ITestOutputHelper _out;

    public XlOutputFuzzTests(ITestOutputHelper output) => _out = output;

    private sealed record Target(string Name, string[] Seeds, Action<string> Parse, bool LineFromInput = true);

    private static string[] Fixtures(params string[] numbers) => numbers.Select(XlFixture.Out).ToArray();

    private static readonly Target[] s_targets =
    [
        new("xl list", Fixtures("003", "086"), s => XlListParser.Parse(s)),
        new("xl list -v", Fixtures("006", "290"), s => XlListParser.Parse(s)),
        new("xl list -l", Fixtures("004", "291"), s => XlLongListParser.Parse(s, "h"), LineFromInput: false),
        new("xl list -l (on_poweroff)", Fixtures("004", "291"), s => XlLongListParser.OnPoweroff(s)),
        new("xl vcpu-list", Fixtures("292"), s => XlVCpuListParser.Parse(s)),
        new("xl sched-credit2", Fixtures("015", "280"), s => XlSchedParser.Parse(s, "credit2")),
        new("xl uptime", Fixtures("010", "030", "293"), s => XlUptimeParser.Parse(s)),
        new("xl uptime (listing)", Fixtures("010", "030", "293"), s => XlUptimeParser.Parse(s, new List<XlOutputFormatException>())),
        new("xl block-list", Fixtures("053", "058"), s => XlDeviceListParser.ParseBlockList(s)),
        new("xl network-list", Fixtures("017", "072", "077"), s => XlDeviceListParser.ParseNetworkList(s)),
        new("xl info", Fixtures("002", "098", "131"), s => XlInfoParser.Parse(s), LineFromInput: false),
        new("xentop -b", Fixtures("295"), s => XentopParser.ParseAll(s)),
        new("xl dmesg", Fixtures("011", "097"), s => XlDmesgParser.Parse(s)),
        new("xenstore-read/-list", ["/local/domain/0\n", "backend\ndevice\n"], s => { XenStoreOutput.Value(s); XenStoreOutput.Children(s); }),
        new("config inventory", ["C\0/etc/xen/a.cfg\0/etc/xen/a.cfg\0name = \"a\"\n\0A\0/etc/xen/auto/a.cfg\0/etc/xen/a.cfg\0"], s => XlHostScripts.ParseInventory(s)),
        new("folder listing", ["d-\0auto\0f-\0a.cfg\0fl\0b.cfg\0"], s => XlHostScripts.ParseDirectory(s)),
        new("xl stderr", [XlFixture.Load("246").Stderr, XlFixture.Load("266").Stderr, "Parsing config from /tmp/x.cfg\n/tmp/x.cfg:3: config parsing error near `=': syntax error\n", "Domain 7 has been shut down, reason code 0\n", "libxl_domain_sched_params_get returned credit2 not credit.\n"],
            s =>
            {
                XlErrorClassifier.Classify("xl create x", 1, s, "h", "d");
                XlErrorClassifier.ShutDownDomainId(s);
                XlSchedParser.ActualScheduler(s);
            }),
    ];

    private static readonly string[] s_pieces =
    [
        "99999999999999999999", "2147483648", "4294967296", "-1", "-2147483649", "0", "1e400", "NaN", "1.7976931348623157E+309",
        "ffffffffff", "99999999999999999999.5", "--p---", "r-----", "zzzzzz", " ", "\t", "\n", "\r\n", "", "-", "/", ":", ",",
        "\"", "{", "}", "[", "]", "null", "true", "\"config\"", "\"domid\"", "\"c_info\"", "\"b_info\"", "99999 days, 99:99:99",
        "1 day,  0:00:01", "Name", "ID", "é", "\0", "00000000-0000-0000-0000-000000000000", "9999999999:00:00",
    ];

    [Fact]
    public void Every_parser_of_host_output_only_ever_throws_its_own_typed_error()
    {
        var rng = new Random(Seed);
        var sw = Stopwatch.StartNew();
        var report = new StringBuilder();
        foreach (Target target in s_targets)
        {
            int parsed = 0, rejected = 0;
            for (int i = 0; i < 2500; i++)
            {
                string input = Mutate(rng, target.Seeds[rng.Next(target.Seeds.Length)]);
                try
                {
                    target.Parse(input);
                    parsed++;
                }
                catch (XlOutputFormatException ex)
                {
                    rejected++;
                    Assert.False(string.IsNullOrEmpty(ex.Command), target.Name);
                    Assert.NotNull(ex.Line);
                    if (target.LineFromInput)
                    {
                        Assert.True(input.Contains(ex.Line, StringComparison.Ordinal), $"{target.Name}: the offending line '{ex.Line}' is not in the input:\n{input}");
                    }
                }
                catch (Exception ex)
                {
                    Assert.Fail($"{target.Name} threw {ex.GetType().Name} ({ex.Message}) for input:\n{input}");
                }
            }

            report.AppendLine($"{target.Name}: {parsed} parsed, {rejected} rejected");
            Assert.True(parsed > 0, $"{target.Name}: nothing parsed; the mutations are too strong to test anything");
        }

        _out.WriteLine(report + $"{sw.Elapsed.TotalSeconds:F1} s");
    }

    private static string Mutate(Random rng, string seed)
    {
        string text = seed;
        int edits = rng.Next(0, 4);
        for (int e = 0; e < edits; e++)
        {
            string piece = s_pieces[rng.Next(s_pieces.Length)];
            switch (rng.Next(6))
            {
                case 0:
                {
                    // Replace a run of digits (a number xl printed) by another piece.
                    var digits = System.Text.RegularExpressions.Regex.Matches(text, @"\d+");
                    if (digits.Count > 0)
                    {
                        var m = digits[rng.Next(digits.Count)];
                        text = text[..m.Index] + piece + text[(m.Index + m.Length)..];
                    }

                    break;
                }

                case 1:
                {
                    int at = rng.Next(text.Length + 1);
                    text = text[..at] + piece + text[at..];
                    break;
                }

                case 2 when text.Length > 0:
                {
                    int at = rng.Next(text.Length);
                    int length = rng.Next(1, Math.Min(20, text.Length - at) + 1);
                    text = text.Remove(at, length);
                    break;
                }

                case 3:
                {
                    string[] lines = text.Split('\n');
                    int a = rng.Next(lines.Length), b = rng.Next(lines.Length);
                    (lines[a], lines[b]) = (lines[b], lines[a]);
                    text = string.Join('\n', lines);
                    break;
                }

                case 4:
                    text = text[..rng.Next(text.Length + 1)];
                    break;

                default:
                {
                    // Replace a word by a piece.
                    var words = System.Text.RegularExpressions.Regex.Matches(text, @"[^\s]+");
                    if (words.Count > 0)
                    {
                        var m = words[rng.Next(words.Count)];
                        text = text[..m.Index] + piece + text[(m.Index + m.Length)..];
                    }

                    break;
                }
            }
        }

        return text;
    }
}
