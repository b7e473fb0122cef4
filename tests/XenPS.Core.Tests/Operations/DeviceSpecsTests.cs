using XenPS.Config;
using XenPS.Operations;

namespace XenPS.Core.Tests.Operations;

/// <summary>The pure device decisions: vdev allocation, specs from parameters, and the -Persist edits of the disk/vif lists (byte-exact).</summary>
public sealed class DeviceSpecsTests
{
    [Theory]
    [InlineData("xvda", 0)]
    [InlineData("xvdb", 1)]
    [InlineData("xvdb3", 1)]
    [InlineData("hdc", 2)]
    [InlineData("sda", 0)]
    [InlineData("xvdaa", 26)]
    [InlineData("51728", 1)]
    [InlineData("hdc:cdrom", 2)]
    public void DiskIndex_reads_every_vdev_form(string vdev, int index) => Assert.Equal(index, DeviceSpecs.DiskIndex(vdev));

    [Theory]
    [InlineData("")]
    [InlineData("eth0")]
    [InlineData("xvd")]
    [InlineData("xvd1")]
    public void DiskIndex_is_null_for_what_is_no_disk(string vdev) => Assert.Null(DeviceSpecs.DiskIndex(vdev));

    [Theory]
    [InlineData(new string[0], "xvda")]
    [InlineData(new[] { "xvda" }, "xvdb")]
    [InlineData(new[] { "xvda", "xvdc" }, "xvdb")]
    [InlineData(new[] { "hda", "xvdb" }, "xvdc")]
    [InlineData(new[] { "51712", "51728" }, "xvdc")]
    [InlineData(new[] { "xvda1" }, "xvdb")]
    public void NextVdev_takes_the_lowest_free_disk_letter(string[] used, string next) => Assert.Equal(next, DeviceSpecs.NextVdev(used));

    [Fact]
    public void NextVdev_goes_past_z_as_xl_names_disks()
    {
        var used = Enumerable.Range(0, 26).Select(i => "xvd" + (char)('a' + i)).ToList();
        Assert.Equal("xvdaa", DeviceSpecs.NextVdev(used));
    }

    [Fact]
    public void NextVdev_for_an_HVM_CdRom_takes_an_IDE_drive_starting_at_hdc()
    {
        Assert.Equal("hdc", DeviceSpecs.NextVdev(["hda"], hvmCdRom: true));
        Assert.Equal("hdd", DeviceSpecs.NextVdev(["hda", "hdc"], hvmCdRom: true));
        Assert.Equal("hdb", DeviceSpecs.NextVdev(["xvda", "hdc", "hdd"], hvmCdRom: true));
        var full = Assert.Throws<XenOperationException>(() => DeviceSpecs.NextVdev(["hda", "hdb", "hdc", "hdd"], hvmCdRom: true));
        Assert.Equal("NoFreeVdev", full.ErrorId);
    }

    [Fact]
    public void BuildDisk_writes_a_keyed_spec_with_the_next_free_vdev()
    {
        XenDiskSpec d = DeviceSpecs.BuildDisk(new DiskRequest { Path = "/srv/data.img" }, ["xvda"], hvm: false);
        Assert.Equal("format=raw, vdev=xvdb, access=rw, target=/srv/data.img", d.ToString());

        XenDiskSpec ro = DeviceSpecs.BuildDisk(new DiskRequest { Path = "/srv/q.qcow2", Format = "qcow2", ReadOnly = true, Vdev = "xvdf" }, ["xvda"], hvm: false);
        Assert.Equal("format=qcow2, vdev=xvdf, access=ro, target=/srv/q.qcow2", ro.ToString());
    }

    [Fact]
    public void BuildDisk_makes_CdRoms_read_only_and_an_empty_drive_without_a_path()
    {
        XenDiskSpec iso = DeviceSpecs.BuildDisk(new DiskRequest { Path = "/srv/debian.iso", CdRom = true }, ["hda"], hvm: true);
        Assert.Equal("format=raw, vdev=hdc, devtype=cdrom, target=/srv/debian.iso", iso.ToString());
        Assert.False(iso.ReadWrite);

        XenDiskSpec empty = DeviceSpecs.BuildDisk(new DiskRequest { CdRom = true }, ["hda"], hvm: true);
        Assert.Equal("vdev=hdc, devtype=cdrom", empty.ToString());
        Assert.Equal("empty", XenDiskSpec.Parse(empty.ToString()).Format);
    }

    [Fact]
    public void BuildDisk_takes_a_whole_spec_and_fills_in_a_missing_vdev()
    {
        XenDiskSpec d = DeviceSpecs.BuildDisk(new DiskRequest { Spec = "format=raw,access=ro,target=/srv/a,b.img" }, ["xvda", "xvdb"], hvm: false);
        Assert.Equal("xvdc", d.Vdev);
        Assert.Equal("/srv/a,b.img", d.Target);
        Assert.Equal(d, XenDiskSpec.Parse(d.ToString()));
    }

    [Fact]
    public void BuildDisk_refuses_a_vdev_the_domain_has_and_a_spec_xl_refuses()
    {
        var inUse = Assert.Throws<XenOperationException>(() => DeviceSpecs.BuildDisk(new DiskRequest { Path = "/x", Vdev = "xvda" }, ["51712"], hvm: false));
        Assert.Equal("VdevInUse", inUse.ErrorId);
        Assert.Contains("xvda", inUse.Message, StringComparison.Ordinal);
        Assert.Throws<XenConfigException>(() => DeviceSpecs.BuildDisk(new DiskRequest { Spec = "format=raw,vdev=xvdb,access=rw,bogus=1,target=/x" }, [], hvm: false));
    }

    [Fact]
    public void BuildVif_writes_the_options_given_and_nothing_else()
    {
        XenVifSpec v = DeviceSpecs.BuildVif(new NicRequest { Bridge = "xenbr1", Mac = "00:16:3E:00:00:01", Rate = "10MB/s" });
        XenVifSpec back = XenVifSpec.Parse(v.ToString());
        Assert.Equal("xenbr1", back.Bridge);
        Assert.Equal("00:16:3E:00:00:01", back.Mac);
        Assert.Equal("10MB/s", back.Rate);
        Assert.Null(back.Ip);
        Assert.Equal("bridge=xenbr0", DeviceSpecs.BuildVif(new NicRequest()).ToString());
    }

    [Fact]
    public void BuildVif_refuses_a_bad_MAC_and_a_value_that_would_split_the_spec()
    {
        Assert.Throws<XenConfigException>(() => DeviceSpecs.BuildVif(new NicRequest { Mac = "zz:16:3e:00:00:01" }));
        var comma = Assert.Throws<XenConfigException>(() => DeviceSpecs.BuildVif(new NicRequest { Bridge = "xenbr0,mac=00:16:3e:00:00:01" }));
        Assert.Contains("comma", comma.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bridge=xenbr1", "xenbr1")]
    [InlineData("mac=00:16:3e:00:00:01", "xenbr0")]
    [InlineData("script=vif-bridge,bridge=br2", "br2")]
    [InlineData("script=vif-route,ip=10.0.0.2", null)]
    public void BridgeOf_is_the_bridge_xl_plugs_into(string spec, string? bridge) =>
        Assert.Equal(bridge, DeviceSpecs.BridgeOf(XenVifSpec.Parse(spec)));

    // ---------------------------------------------------------------- -Persist edits

    private const string OneLine = """
        # web server
        name = 'web1'
        memory = 256   # MiB
        disk = [ 'format=raw, vdev=xvda, access=rw, target=/srv/web1.img' ]
        vif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr0', 'bridge=xenbr1' ]
        on_crash = 'restart'

        """;

    [Fact]
    public void AddItem_appends_to_a_one_line_list_and_changes_no_other_byte()
    {
        var doc = XenConfigDocument.Parse(OneLine);
        DeviceSpecs.AddItem(doc, "disk", "format=raw, vdev=xvdb, access=rw, target=/srv/data.img");
        Assert.Equal(
            OneLine.Replace("target=/srv/web1.img' ]", "target=/srv/web1.img', 'format=raw, vdev=xvdb, access=rw, target=/srv/data.img' ]", StringComparison.Ordinal),
            doc.ToString());
    }

    [Fact]
    public void AddItem_keeps_a_multi_line_list_multi_line()
    {
        const string text = "name = \"db1\"\ndisk = [\n    \"format=raw, vdev=xvda, access=rw, target=/srv/db1.img\",\n]\n# end\n";
        var doc = XenConfigDocument.Parse(text);
        DeviceSpecs.AddItem(doc, "disk", "format=raw, vdev=xvdb, access=ro, target=/srv/ro.img");
        Assert.Equal(
            "name = \"db1\"\ndisk = [\n    \"format=raw, vdev=xvda, access=rw, target=/srv/db1.img\",\n    \"format=raw, vdev=xvdb, access=ro, target=/srv/ro.img\",\n]\n# end\n",
            doc.ToString());
    }

    [Fact]
    public void AddItem_without_a_list_appends_one_line_in_the_file_style()
    {
        const string text = "name = 'web2'\nmemory = 128\n";
        var doc = XenConfigDocument.Parse(text);
        DeviceSpecs.AddItem(doc, "vif", "bridge=xenbr0,mac=00:16:3e:00:00:02");
        Assert.Equal(text + "vif = [ 'bridge=xenbr0,mac=00:16:3e:00:00:02' ]\n", doc.ToString());
    }

    [Fact]
    public void RemoveItem_takes_out_the_disk_by_vdev_and_only_it()
    {
        var doc = XenConfigDocument.Parse(OneLine);
        DeviceSpecs.AddItem(doc, "disk", "format=raw, vdev=xvdb, access=rw, target=/srv/data.img");
        Assert.True(DeviceSpecs.RemoveItem(doc, "disk", (item, _) => DeviceSpecs.IsDisk(item, "51728")));
        Assert.Equal(OneLine, doc.ToString());

        Assert.False(DeviceSpecs.RemoveItem(doc, "disk", (item, _) => DeviceSpecs.IsDisk(item, "xvdz")));
        Assert.Equal(OneLine, doc.ToString());
    }

    [Fact]
    public void RemoveItem_takes_out_the_vif_by_MAC_or_by_index()
    {
        var byMac = XenConfigDocument.Parse(OneLine);
        Assert.True(DeviceSpecs.RemoveItem(byMac, "vif", (item, i) => DeviceSpecs.IsAdapter(item, i, null, "00:16:3E:00:00:01")));
        Assert.Equal(OneLine.Replace("'mac=00:16:3e:00:00:01,bridge=xenbr0', ", string.Empty, StringComparison.Ordinal), byMac.ToString());

        var byIndex = XenConfigDocument.Parse(OneLine);
        Assert.True(DeviceSpecs.RemoveItem(byIndex, "vif", (item, i) => DeviceSpecs.IsAdapter(item, i, 1, null)));
        Assert.Equal(OneLine.Replace(", 'bridge=xenbr1'", string.Empty, StringComparison.Ordinal), byIndex.ToString());
    }

    [Fact]
    public void IsAdapter_prefers_the_MAC_a_file_sets_over_the_position()
    {
        // The running adapter 0 has MAC ...:09; the file's first vif sets another MAC: it is another adapter.
        Assert.False(DeviceSpecs.IsAdapter("mac=00:16:3e:00:00:01,bridge=xenbr0", 0, 0, "00:16:3e:00:00:09"));
        Assert.True(DeviceSpecs.IsAdapter("bridge=xenbr0", 0, 0, "00:16:3e:00:00:09"));
        Assert.True(DeviceSpecs.IsAdapter("devid=5,bridge=xenbr0", 0, 5, null));
        Assert.False(DeviceSpecs.IsAdapter("devid=5,bridge=xenbr0", 0, 0, null));
    }

    [Fact]
    public async Task DevicesFromConfig_describe_an_Off_domain_as_xl_would_create_it()
    {
        var config = XenDomainConfig.Parse(OneLine + "vif += [ 'devid=7,ip=10.0.0.9,script=vif-route' ]\n");
        var host = await XenConnectionFactory.SimulatedAsync(new SimulatedConnectionOptions { Name = "lab", InMemoryFabric = XenPS.Simulation.SimulatedFabric.InMemory() });
        var domain = new XenDomain("web1") { State = XenDomainState.Off, ConfigPath = "/etc/xen/web1.cfg" };

        XenDisk disk = Assert.Single(DeviceSpecs.DisksFromConfig(config, domain, host));
        Assert.Equal(("xvda", "/srv/web1.img", "raw", "rw", 51712), (disk.Vdev, disk.Target, disk.Format, disk.Access, disk.DeviceId));
        Assert.Null(disk.DomainId);
        Assert.Equal("lab", disk.HostName);

        var nics = DeviceSpecs.AdaptersFromConfig(config, domain, host);
        Assert.Equal([0, 1, 7], nics.Select(n => n.Index));
        Assert.Equal(["xenbr0", "xenbr1", null], nics.Select(n => n.Bridge));
        Assert.Equal("00:16:3e:00:00:01", nics[0].Mac);
        Assert.Equal("10.0.0.9", nics[2].Ip);
    }

    [Theory]
    [InlineData(125000UL, 50000U, "2500KB/s")]
    [InlineData(25000UL, 20000U, "1250KB/s@20ms")]
    [InlineData(500000UL, 50000U, "10MB/s")]
    [InlineData(7UL, 1500U, "4666B/s@1500us")]
    public void FormatRate_writes_what_xl_reads_back(ulong bytes, uint usecs, string text)
    {
        Assert.Equal(text, XenVifSpec.FormatRate(bytes, usecs));
        var (b, u, error) = XenVifSpec.ParseRate(text);
        Assert.Null(error);
        Assert.Equal(usecs, u);
        Assert.InRange((long)b!.Value, (long)bytes - 1, (long)bytes);
    }
}
