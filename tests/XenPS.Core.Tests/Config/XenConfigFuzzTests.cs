using System.Diagnostics;
using System.Text;
using XenPS.Config;
using Xunit.Abstractions;

namespace XenPS.Core.Tests.Config;

/// <summary>
/// Bounded, seeded fuzzing: mutations of the fixtures and random token streams. Whatever the input, the parsers
/// may only throw <see cref="XenConfigException"/>, with a line and column inside the input; whatever parses must
/// write back the same text, and the typed view, validator, importer and writer must not fail in any other way.
/// </summary>
public sealed class XenConfigFuzzTests
{
    private const int Seed = 0x5EED_417;
    private readonly ITestOutputHelper _out;

    public XenConfigFuzzTests(ITestOutputHelper output) => _out = output;

    private static readonly string[] Alphabet =
    [
        "\n", "\n", " ", " ", "\t", "\r", "\0", "\"", "'", "\\", "#", "[", "]", ",", ";", "=", "+=", "+", "-", "*", ":", "(", ")",
        "0", "7", "8", "0x", "9f", "a", "x", "z", "_", "A", "é", "\uFEFF", "name", "memory", "disk", "vif", "\\n", "\\x41",
        "\\0", "\\012", "\\q", "{", "}", ".", "/",
    ];

    [Fact]
    public void ConfigParserOnlyEverThrowsPositionedConfigExceptions()
    {
        var rng = new Random(Seed);
        var seeds = ConfigFixtures.AllCfg().Select(ConfigFixtures.Read).ToArray();
        var sw = Stopwatch.StartNew();
        int parsed = 0, rejected = 0, total = 0;
        const int mutations = 70_000, streams = 50_000;
        for (int i = 0; i < mutations + streams; i++)
        {
            string input = i < mutations ? Mutate(rng, seeds) : TokenStream(rng);
            total++;
            if (CheckConfig(input, rng))
            {
                parsed++;
            }
            else
            {
                rejected++;
            }
        }

        sw.Stop();
        _out.WriteLine($"config fuzz: {total} inputs ({mutations} fixture mutations, {streams} token streams), {parsed} parsed, {rejected} rejected with a positioned XenConfigException, {sw.Elapsed.TotalSeconds:F1} s");
        Assert.True(total >= 100_000);
        Assert.True(parsed > 1000 && rejected > 1000, $"parsed {parsed}, rejected {rejected}: the generator is not exercising both paths");
    }

    [Fact]
    public void DiskSpecParserOnlyEverThrowsPositionedConfigExceptions()
    {
        var rng = new Random(Seed + 1);
        string[] pieces =
        [
            "format=", "raw", "qcow2", "qcow", "vhd", "qed", "empty", "vdev=", "xvda", "hdc", "access=", "ro", "rw", "w", "r",
            "devtype=", "cdrom", "disk", "backend=", "backendtype=", "phy", "qdisk", "tap", "script=", "specification=", "xen",
            "virtio", "target=", "/images/a.img", "direct-io-safe", "discard", "no-discard", "colo", "colo-port=", "0", "8",
            "trusted", "untrusted", "grant_usage=1", "grant_usage=0", "file:", "tap:", "aio:", "phy:", "raw:", "qcow2:",
            "iscsi:", "nbd:", "foo:", ",", ",", ",", "=", ":", " ", "\t", "\n", "\0", "é", "x", "-", "zz=", "hdc:cdrom",
        ];
        string[] seeds =
        [
            "/images/xen/busybox.img,raw,xvda,rw", "/iso/CentOS6.7.iso,,hdc,devtype=cdrom", "file:/xen/images/busybox.img,xvda,w",
            "tap:aio:/var/lib/xen/images/newvm.img,xvda,w", "format=raw, vdev=xvda, access=rw, target=/tmp/a,b.img",
            "vdev=xvdb, cdrom, target=/tmp/c.iso", ",,hdc:cdrom", "phy:/dev/vg/lv,xvdb,r",
        ];
        RunSpecFuzz("disk", rng, seeds, pieces, 100_000, s =>
        {
            var d = XenDiskSpec.Parse(s);
            Assert.NotNull(d.Vdev);
            string written;
            try
            {
                written = d.ToSpecString(true);
            }
            catch (ArgumentException)
            {
                return; // Refused as unwritable (a newline in a positional target): allowed, never wrong output.
            }

            Assert.Equal(d, XenDiskSpec.Parse(written));
        });
    }

    [Fact]
    public void VifSpecParserOnlyEverThrowsPositionedConfigExceptions()
    {
        var rng = new Random(Seed + 2);
        string[] pieces =
        [
            "mac=", "00:16:3e:00:00:01", "00:16:3E:aa:bb:cc", "0g", "bridge=", "xenbr0", "ip=", "10.0.0.1", "type=", "vif",
            "ioemu", "model=", "e1000", "vifname=", "script=", "backend=", "gatewaydev=", "rate=", "10Mb/s", "@", "20ms", "5",
            "100KB/s", "0Mb/s", "99999999999GB/s", "devid=", "mtu=", "1500", "vlan=", "trusted", "untrusted", "accel=", "colo_x=",
            ",", ",", ",", "=", " ", "\t", "\n", "\0", "é", "-", "x",
        ];
        string[] seeds =
        [
            "mac=00:16:3e:00:00:01,bridge=xenbr0", "bridge=br0", "ip=10.1.0.10,bridge=xenbr0",
            "mac=00:16:3e:aa:bb:cc, bridge=xenbr0, model=e1000, rate=10Mb/s@20ms", "mac=00:16:36:88:76:d4,bridge=xenbr0,script=vif-bridge",
        ];
        RunSpecFuzz("vif", rng, seeds, pieces, 100_000, s =>
        {
            var v = XenVifSpec.Parse(s);
            bool attachable = v.UnrecognizedArguments.Count == 0 && !string.IsNullOrWhiteSpace(s) && !(v.Mac is { } m && XenVifSpec.IsMulticast(m));
            if (attachable)
            {
                Assert.Equal(v.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries).Length, v.ToNetworkAttachArguments().Count(a => a.Length > 0));
            }
            else
            {
                // What xl network-attach refuses is refused before it reaches the host, as a config error.
                Assert.Throws<XenConfigException>(() => v.ToNetworkAttachArguments());
            }

            string written;
            try
            {
                written = v.ToSpecString(true);
            }
            catch (ArgumentException)
            {
                return;
            }

            Assert.Equal(v, XenVifSpec.Parse(written));
        });
    }

    [Fact]
    public void LibxlJsonImportOnlyEverThrowsConfigExceptions()
    {
        var rng = new Random(Seed + 3);
        var seeds = Directory.GetFiles(RepoPaths.Fixture("xen-4.17.7"), "*xl_list_-l*.stdout").Select(File.ReadAllText)
            .Concat(ConfigFixtures.GoodCfg().Select(ConfigFixtures.DryRun).Where(j => j.TrimStart().StartsWith('{')))
            .ToArray();
        string[] pieces = ["{", "}", "[", "]", ",", ":", "\"", "1", "-1", "\"True\"", "null", "1e400", "\"x\"", "\"c_info\"", "\"b_info\"", "\"disks\"", "\"nics\""];
        var sw = Stopwatch.StartNew();
        int ok = 0, rejected = 0;
        const int count = 10_000;
        for (int i = 0; i < count; i++)
        {
            var sb = new StringBuilder(seeds[rng.Next(seeds.Length)]);
            int edits = 1 + rng.Next(3);
            for (int e = 0; e < edits; e++)
            {
                int pos = rng.Next(sb.Length + 1);
                if (rng.Next(2) == 0)
                {
                    sb.Insert(pos, pieces[rng.Next(pieces.Length)]);
                }
                else if (sb.Length > 0)
                {
                    int at = Math.Min(pos, sb.Length - 1);
                    sb.Remove(at, Math.Min(1 + rng.Next(10), sb.Length - at));
                }
            }

            string json = sb.ToString();
            try
            {
                var c = XenDomainConfig.FromLibxlJson(json);
                Assert.Equal(c.ToConfigText(), XenConfigDocument.Parse(c.ToConfigText()).ToString());
                ok++;
            }
            catch (XenConfigException ex)
            {
                Assert.True(ex.Line >= 1 && ex.Column >= 1);
                rejected++;
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"JSON `{Escape(json)}' threw {ex.GetType().Name}: {ex.Message}");
            }
        }

        sw.Stop();
        _out.WriteLine($"libxl JSON fuzz: {count} inputs, {ok} imported, {rejected} rejected with a XenConfigException, {sw.Elapsed.TotalSeconds:F1} s");
        Assert.True(ok > 100 && rejected > 100);
    }

    private void RunSpecFuzz(string what, Random rng, string[] seeds, string[] pieces, int count, Action<string> onParse)
    {
        var sw = Stopwatch.StartNew();
        int parsed = 0, rejected = 0;
        for (int i = 0; i < count; i++)
        {
            string s;
            if (i % 2 == 0)
            {
                var sb = new StringBuilder(seeds[rng.Next(seeds.Length)]);
                int edits = 1 + rng.Next(4);
                for (int e = 0; e < edits; e++)
                {
                    int pos = rng.Next(sb.Length + 1);
                    switch (rng.Next(3))
                    {
                        case 0:
                            sb.Insert(pos, pieces[rng.Next(pieces.Length)]);
                            break;
                        case 1 when sb.Length > 0:
                            sb.Remove(Math.Min(pos, sb.Length - 1), Math.Min(1 + rng.Next(6), sb.Length - Math.Min(pos, sb.Length - 1)));
                            break;
                        default:
                            sb.Insert(pos, (char)rng.Next(1, 0x80));
                            break;
                    }
                }

                s = sb.ToString();
            }
            else
            {
                var sb = new StringBuilder();
                int n = rng.Next(12);
                for (int k = 0; k < n; k++)
                {
                    sb.Append(pieces[rng.Next(pieces.Length)]);
                }

                s = sb.ToString();
            }

            try
            {
                onParse(s);
                parsed++;
            }
            catch (XenConfigException ex)
            {
                rejected++;
                Assert.True(ex.Line == 1 && ex.Column >= 1 && ex.Column <= s.Length + 1, $"{what} spec `{Escape(s)}': position {ex.Line}:{ex.Column} outside the input");
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"{what} spec `{Escape(s)}' threw {ex.GetType().Name}: {ex.Message}");
            }
        }

        sw.Stop();
        _out.WriteLine($"{what} spec fuzz: {count} inputs, {parsed} parsed and round-tripped, {rejected} rejected with a positioned XenConfigException, {sw.Elapsed.TotalSeconds:F1} s");
        Assert.True(parsed > 100 && rejected > 100, $"parsed {parsed}, rejected {rejected}");
    }

    /// <summary>Returns true when the input parsed; asserts every property of the contract.</summary>
    private static bool CheckConfig(string input, Random rng)
    {
        XenDomainConfig c;
        try
        {
            c = XenDomainConfig.Parse(input, "fuzz.cfg");
        }
        catch (XenConfigException ex)
        {
            AssertInside(input, ex);
            return false;
        }
        catch (Exception ex)
        {
            Assert.Fail($"input `{Escape(input)}' threw {ex.GetType().Name}: {ex.Message}");
            return false;
        }

        try
        {
            Assert.Equal(input, c.ToConfigText());
            _ = (c.Name, c.Uuid, c.Type, c.Builder, c.MemoryMB, c.MaxMemoryMB, c.VCpu, c.MaxVCpu, c.Cpus, c.Kernel, c.Ramdisk);
            _ = (c.Cmdline, c.Bootloader, c.OnPoweroff, c.OnReboot, c.OnCrash, c.Vfb, c.Vnc, c.Sdl, c.Pci, c.Serial);
            foreach (var k in c.Keys)
            {
                _ = c[k];
            }

            foreach (var read in new Func<object>[] { () => c.Disks, () => c.Vifs })
            {
                try
                {
                    _ = read();
                }
                catch (XenConfigException ex)
                {
                    AssertInside(input, ex);
                }
            }

            var result = XenConfigValidator.Validate(c);
            Assert.All(result.Errors.Concat(result.Warnings), i => Assert.True(i.Line is null || (i.Line >= 1 && i.Line <= input.Split('\n').Length)));
            _ = XenConfigImporter.Import(c.Document);

            // The writer: set a random key to a random value and read it back exactly.
            if (rng.Next(4) == 0)
            {
                string key = c.Keys.Count > 0 && rng.Next(2) == 0 ? c.Keys[rng.Next(c.Keys.Count)] : "k" + rng.Next(5);
                var value = RandomValue(rng, 0);
                c.Document.Set(key, value);
                var back = XenConfigDocument.Parse(c.ToConfigText());
                Assert.True(back.Get(key)!.SameAs(value), $"`{key}' did not read back after Set on `{Escape(input)}'");
                if (rng.Next(2) == 0)
                {
                    Assert.True(c.Document.Remove(key));
                    Assert.Null(XenConfigDocument.Parse(c.ToConfigText()).Get(key));
                }
            }
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"input `{Escape(input)}' parsed, then {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}");
        }

        return true;
    }

    private static XenConfigValue RandomValue(Random rng, int depth)
    {
        switch (rng.Next(depth > 2 ? 2 : 3))
        {
            case 0:
                var sb = new StringBuilder();
                int n = rng.Next(8);
                for (int i = 0; i < n; i++)
                {
                    string a = Alphabet[rng.Next(Alphabet.Length)];
                    sb.Append(a == "\0" ? "0" : a);
                }

                return XenConfigValue.FromString(sb.ToString());
            case 1:
                return rng.Next(3) == 0 ? XenConfigValue.FromNumberText("0x" + rng.Next(1, 4096).ToString("x")) : XenConfigValue.FromNumber(rng.Next(0, 100000));
            default:
                return XenConfigValue.FromList(Enumerable.Range(0, rng.Next(4)).Select(_ => RandomValue(rng, depth + 1)));
        }
    }

    private static void AssertInside(string input, XenConfigException ex)
    {
        var lines = input.Split('\n');
        Assert.True(ex.Line >= 1 && ex.Line <= lines.Length, $"line {ex.Line} outside `{Escape(input)}' ({lines.Length} lines): {ex.Message}");
        Assert.True(ex.Column >= 1 && ex.Column <= lines[ex.Line - 1].Length + 1, $"column {ex.Column} outside line {ex.Line} of `{Escape(input)}': {ex.Message}");
        Assert.Equal("fuzz.cfg", ex.FileName);
        Assert.False(string.IsNullOrWhiteSpace(ex.Reason));
    }

    private static string Mutate(Random rng, string[] seeds)
    {
        var sb = new StringBuilder(seeds[rng.Next(seeds.Length)]);
        int edits = 1 + rng.Next(5);
        for (int e = 0; e < edits; e++)
        {
            int pos = rng.Next(sb.Length + 1);
            switch (rng.Next(6))
            {
                case 0:
                    sb.Insert(pos, Alphabet[rng.Next(Alphabet.Length)]);
                    break;
                case 1 when sb.Length > 0:
                    int at = Math.Min(pos, sb.Length - 1);
                    sb.Remove(at, Math.Min(1 + rng.Next(8), sb.Length - at));
                    break;
                case 2 when sb.Length > 0:
                    sb[Math.Min(pos, sb.Length - 1)] = Alphabet[rng.Next(Alphabet.Length)][0];
                    break;
                case 3:
                    string other = seeds[rng.Next(seeds.Length)];
                    int from = rng.Next(other.Length);
                    sb.Insert(pos, other.AsSpan(from, Math.Min(other.Length - from, 1 + rng.Next(40))));
                    break;
                case 4:
                    sb.Length = Math.Min(sb.Length, pos);
                    break;
                default:
                    sb.Insert(pos, (char)rng.Next(0, 0x80));
                    break;
            }
        }

        return sb.ToString();
    }

    private static string TokenStream(Random rng)
    {
        string[] tokens =
        [
            "name", "memory", "disk", "vif", "extra", "a_1", "=", "=", "+=", "[", "]", ",", ";", "\n", "\n", "\n", "0x80", "0400",
            "256", "08", "'s'", "\"d\"", "'e\\\\'", "\"q\\\"\"", "'\\t\\n'", "'\\x41'", "'\\0'", "# c\n", "'a,b'", "'format=raw,vdev=xvda,target=/a'",
            "'mac=00:16:3e:00:00:01,bridge=xenbr0'", "'unterminated", "*", "-", "Name", "\r\n", "\t",
        ];
        var sb = new StringBuilder();
        int n = rng.Next(1, 30);
        for (int i = 0; i < n; i++)
        {
            sb.Append(tokens[rng.Next(tokens.Length)]);
            if (rng.Next(3) == 0)
            {
                sb.Append(' ');
            }
        }

        return sb.ToString();
    }

    private static string Escape(string s)
    {
        var sb = new StringBuilder();
        foreach (char c in s.Length > 400 ? s[..400] : s)
        {
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\0' => "\\0",
                _ => c.ToString(),
            });
        }

        return sb.ToString();
    }
}
