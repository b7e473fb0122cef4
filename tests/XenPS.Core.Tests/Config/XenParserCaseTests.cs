using System.Text.Json;
using XenPS.Config;
using XenPS.Toolstack.Xl;

namespace XenPS.Core.Tests.Config;

/// <summary>
/// Xen's own xl parser tests (check-xl-vif-parse, check-xl-disk-parse, check-xl-vcpupin-parse.data-example,
/// Xen 4.17.7) as data from ../shared/xen-tests (never copied into the repository): what xl refuses, XenPS
/// refuses before the host; what xl takes, XenPS takes the same way.
/// </summary>
public sealed class XenParserCaseTests
{
    private static readonly Lazy<JsonElement[]> s_cases = new(() =>
    {
        string path = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "xen-tests", "xl-parse-cases.json"));
        if (!File.Exists(path))
        {
            path = "/work/shared/xen-tests/xl-parse-cases.json";
        }

        Assert.True(File.Exists(path), $"Xen's parser cases are not at {path} (../shared/xen-tests/xl-parse-cases.json beside the repository).");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
    });

    private static IEnumerable<JsonElement> Suite(string suite) => s_cases.Value.Where(c => c.GetProperty("suite").GetString() == suite);

    private static string[] Args(JsonElement c) => c.GetProperty("args").EnumerateArray().Select(a => a.GetString()!).ToArray();

    [Fact]
    public void Vif_specs_xl_network_attach_refuses_are_refused_and_the_others_read_as_xl_reads_them()
    {
        int refused = 0;
        foreach (JsonElement c in Suite("vif"))
        {
            string spec = string.Join(',', Args(c));
            bool ok = c.GetProperty("expected_rc").GetInt32() == 0;
            if (!ok)
            {
                refused++;
                Assert.ThrowsAny<XenConfigException>(() => XenVifSpec.Parse(spec).ToNetworkAttachArguments());
                continue;
            }

            XenVifSpec v = XenVifSpec.Parse(spec);
            Assert.NotEmpty(v.ToNetworkAttachArguments());
            JsonElement expected = c.GetProperty("expected");
            if (expected.TryGetProperty("rate_bytes_per_interval", out JsonElement bytes))
            {
                Assert.Equal(bytes.GetUInt64(), v.RateBytesPerInterval);
                Assert.Equal(expected.GetProperty("rate_interval_usecs").GetUInt32(), v.RateIntervalMicroseconds);
            }

            if (expected.TryGetProperty("trusted", out JsonElement trusted))
            {
                Assert.Equal(trusted.GetString() == "True", v.Trusted);
            }
        }

        Assert.True(refused >= 20, $"only {refused} refused cases read");
    }

    [Theory]
    [InlineData("this is not a vif")]
    [InlineData("")]
    [InlineData("bridge=xenbr0,mac=01:16:3e:00:00:01")]
    [InlineData("bridge=xenbr0, colour=blue")]
    public void Network_attach_refuses_words_xl_does_not_know_an_empty_spec_and_a_multicast_mac(string spec)
    {
        var ex = Assert.Throws<XenConfigException>(() => XenVifSpec.Parse(spec).ToNetworkAttachArguments());
        Assert.Matches("unrecognized argument|multicast", ex.Reason);
    }

    [Fact]
    public void A_config_files_vif_keeps_ignoring_unknown_words_but_refuses_a_multicast_mac()
    {
        var ignored = XenConfigValidator.Validate(XenDomainConfig.Parse("name = \"a\"\nkernel = \"/k\"\nmemory = 64\nvif = [ 'bridge=xenbr0, colour=blue' ]\n"));
        Assert.True(ignored.IsValid);
        Assert.Contains(ignored.Warnings, w => w.Message.Contains("unrecognized argument `colour=blue'", StringComparison.Ordinal));

        var multicast = XenConfigValidator.Validate(XenDomainConfig.Parse("name = \"a\"\nkernel = \"/k\"\nmemory = 64\nvif = [ 'mac=01:16:3e:00:00:01' ]\n"));
        Assert.False(multicast.IsValid);
    }

    [Fact]
    public void Disk_specs_xl_takes_have_a_vdev_xl_can_map_and_a_vdev_it_cannot_map_is_an_error()
    {
        foreach (JsonElement c in Suite("disk"))
        {
            string spec = string.Join(',', Args(c));
            if (c.GetProperty("expected_rc").GetInt32() != 0)
            {
                Assert.False(XenDiskSpec.TryParse(spec, out XenDiskSpec? bad, out _) && XlVdev.ToNumber(bad!.Vdev ?? string.Empty) is not null, spec);
                continue;
            }

            Assert.True(XenDiskSpec.TryParse(spec, out XenDiskSpec? disk, out XenConfigException? error), $"{spec}: {error?.Message}");
            Assert.Equal(c.GetProperty("expected").GetProperty("vdev").GetString(), disk!.Vdev);
            Assert.NotNull(XlVdev.ToNumber(disk.Vdev!));
        }

        var result = XenConfigValidator.Validate(XenDomainConfig.Parse("name = \"a\"\nkernel = \"/k\"\nmemory = 64\ndisk = [ 'format=raw,vdev=bogus,access=rw,target=/srv/a.img' ]\n"));
        Assert.Contains(result.Errors, e => e.Message.Contains("Invalid or unsupported virtual disk identifier bogus", StringComparison.Ordinal));
    }

    [Fact]
    public void Cpu_lists_read_as_xl_vcpu_pin_reads_them_on_xens_example_topology()
    {
        // check-xl-vcpupin-parse.data-example: 16 CPUs, 2 NUMA nodes of 8.
        static IEnumerable<int> Node(long n) => n is 0 or 1 ? Enumerable.Range((int)n * 8, 8) : [];
        int read = 0;
        foreach (JsonElement c in Suite("vcpupin"))
        {
            string list = Args(c)[1];
            string? bad = XenCpuList.Read(list, 16, Node, out SortedSet<int> cpus);
            if (c.GetProperty("expected_rc").GetInt32() != 0)
            {
                Assert.NotNull(bad);
                continue;
            }

            Assert.Null(bad);
            Assert.Equal(c.GetProperty("expected_output").GetString(), "cpumap: " + XenCpuList.Format(cpus, 16));
            read++;
        }

        Assert.True(read >= 30, $"only {read} cases read");
    }

    [Theory]
    [InlineData("cpu_weight = 0", "Cpu weight 0 out of range")]
    [InlineData("cpu_weight = 65536", "Cpu weight 65536 out of range")]
    [InlineData("cap = 201", "valid range is from 0 to 200")]
    public void Scheduler_values_libxl_refuses_are_config_errors(string line, string words)
    {
        var result = XenConfigValidator.Validate(XenDomainConfig.Parse($"name = \"a\"\nkernel = \"/k\"\nmemory = 64\nvcpus = 1\nmaxvcpus = 2\n{line}\n"));
        Assert.Contains(result.Errors, e => e.Message.Contains(words, StringComparison.Ordinal));
    }
}
