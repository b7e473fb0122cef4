using System.Globalization;
using XenPS.Simulation;

namespace XenPS.Core.Tests.Simulation;

/// <summary>
/// The simulator replays the real Xen 4.17.7 session of fixtures 242–277 (the "acc harness" run) and must
/// print xl's words exactly, with the same domids, and raise the exceptions the xl toolstack raises.
/// </summary>
public sealed class SimulatorFidelityTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static string Stderr(string number) => FixtureText(number, ".stderr");

    private static string FixtureText(string number, string extension)
    {
        string folder = RepoPaths.Fixture("xen-4.17.7");
        string file = Directory.GetFiles(folder, number + "-*" + extension).Single();
        return File.ReadAllText(file);
    }

    private static async Task<SimulatedToolstack> FixtureHostAsync(SimulatedFabric fabric)
    {
        Assert.True(await fabric.AddHostAsync("dom0"));
        SimulatedToolstack xl = fabric.GetToolstack("dom0");
        await fabric.CreateDirectoryAsync("dom0", "/srv", Ct);
        await xl.WriteFileAsync("/srv/vmlinuz", "kernel", Ct);
        await xl.WriteFileAsync("/srv/domU-initrd.gz", "initrd", Ct);
        await xl.WriteFileAsync("/srv/domU.cfg", FixtureText("020", ".stdout"), Ct);
        return xl;
    }

    [Fact]
    public async Task Defaults_MatchTheFixtureHost()
    {
        SimulatedFabric fabric = SimulatedFabric.InMemory();
        SimulatedToolstack xl = await FixtureHostAsync(fabric);
        Dictionary<string, string> info = FixtureText("002", ".stdout")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim());

        XenHostInfo host = await xl.GetHostInfoAsync(Ct);
        Assert.Equal(long.Parse(info["total_memory"], CultureInfo.InvariantCulture), host.TotalMemoryMB);
        Assert.Equal(long.Parse(info["free_memory"], CultureInfo.InvariantCulture), host.FreeMemoryMB);
        Assert.Equal(int.Parse(info["nr_cpus"], CultureInfo.InvariantCulture), host.CpuCount);
        Assert.Equal(info["xen_scheduler"], host.Scheduler);
        Assert.Equal(info["xen_version"], host.XenVersion);
        XenDomain dom0 = (await xl.ListDomainsAsync(Ct)).Single();
        Assert.Equal(("Domain-0", 0, 1024L, 2, "r-----"), (dom0.Name, dom0.Id!.Value, dom0.MemoryMB, dom0.VCpu, dom0.XlState));

        // 098: with testvm (memory 128, maxmem 256) running, free memory is 1886.
        XenDomain testvm = await xl.CreateFromFileAsync("/srv/domU.cfg", false, Ct);
        Assert.Equal(1, testvm.Id);
        Assert.Equal(long.Parse(FixtureText("098", ".stdout").Split('\n').Single(l => l.StartsWith("free_memory", StringComparison.Ordinal)).Split(':')[1].Trim(), CultureInfo.InvariantCulture), (await xl.GetHostInfoAsync(Ct)).FreeMemoryMB);
        Assert.Equal("-b----", testvm.XlState);
        Assert.Equal((128L, 256L), (testvm.MemoryMB, testvm.MaxMemoryMB!.Value));
    }

    [Fact]
    public async Task AccHarnessSession_GivesXlsOwnWords()
    {
        SimulatedFabric fabric = SimulatedFabric.InMemory();
        SimulatedToolstack xl = await FixtureHostAsync(fabric);

        // 242: missing kernel (domid 1 consumed).
        await xl.WriteFileAsync("/tmp/nokern.cfg", "name=\"nokern\"\ntype=\"pv\"\nkernel=\"/srv/no-such-kernel\"\nmemory=128\n", Ct);
        var nokern = await Assert.ThrowsAsync<XlCommandException>(() => xl.CreateFromFileAsync("/tmp/nokern.cfg", false, Ct));
        Assert.Equal(Stderr("242"), nokern.StandardError);
        Assert.Equal(3, nokern.ExitCode);

        // 243: out of memory (domid 2 consumed).
        await xl.WriteFileAsync("/tmp/huge.cfg", "name=\"huge\"\ntype=\"pv\"\nkernel=\"/srv/vmlinuz\"\nramdisk=\"/srv/domU-initrd.gz\"\nmemory=4096\n", Ct);
        var huge = await Assert.ThrowsAsync<XenInsufficientMemoryException>(() => xl.CreateFromFileAsync("/tmp/huge.cfg", false, Ct));
        Assert.Equal(Stderr("243"), huge.StandardError);

        // 245: testvm is domain 3.
        XenDomain testvm = await xl.CreateFromFileAsync("/srv/domU.cfg", false, Ct);
        Assert.Equal(3, testvm.Id);

        // 246: duplicate name (domid 4 consumed).
        var dup = await Assert.ThrowsAsync<XenDomainExistsException>(() => xl.CreateFromFileAsync("/srv/domU.cfg", false, Ct));
        Assert.Equal(Stderr("246"), dup.StandardError);

        var vcpus = await Assert.ThrowsAsync<XenVCpuOvercommitException>(() => xl.SetVCpuCountAsync("testvm", 4, Ct));
        Assert.Equal(Stderr("248"), vcpus.StandardError);
        var maxmem = await Assert.ThrowsAnyAsync<XlCommandException>(() => xl.SetMaxMemoryAsync("testvm", 64, Ct));
        Assert.Equal(Stderr("250"), maxmem.StandardError);
        var memset = await Assert.ThrowsAnyAsync<XlCommandException>(() => xl.SetMemoryAsync("testvm", 300, Ct));
        Assert.Equal(Stderr("251"), memset.StandardError);
        Assert.Equal(128, (await xl.GetDomainAsync("testvm", Ct)).MemoryMB);

        await xl.WriteFileAsync("/tmp/d1.img", string.Empty, Ct);
        await xl.WriteFileAsync("/tmp/d2.img", string.Empty, Ct);
        XenDisk d1 = await xl.AttachDiskAsync("testvm", "format=raw,vdev=xvdb,access=rw,target=/tmp/d1.img", Ct);
        Assert.Equal((51728, "/local/domain/0/backend/vbd/3/51728"), (d1.DeviceId!.Value, d1.BackendPath!)); // 254
        var inUse = await Assert.ThrowsAsync<XenDeviceInUseException>(() => xl.AttachDiskAsync("testvm", "format=raw,vdev=xvdb,access=rw,target=/tmp/d2.img", Ct));
        Assert.Equal(Stderr("253"), inUse.StandardError);
        var absent = await Assert.ThrowsAnyAsync<XlCommandException>(() => xl.DetachDiskAsync("testvm", "xvdz", false, Ct));
        Assert.Equal(Stderr("255"), absent.StandardError);

        // 263: refused before the host, as the xl toolstack does, with xl's words.
        var badMac = await Assert.ThrowsAsync<XenConfigException>(() => xl.AttachNetworkAdapterAsync("testvm", "bridge=xenbr0,mac=zz:16:3e:00:00:ab", Ct));
        Assert.Contains(Stderr("263").Trim(), badMac.Message, StringComparison.Ordinal);
        await xl.AttachNetworkAdapterAsync("testvm", "bridge=xenbr0,mac=00:16:3e:00:00:aa", Ct);
        await xl.AttachNetworkAdapterAsync("testvm", "bridge=xenbr0,mac=00:16:3e:00:00:aa", Ct); // 260/261: accepted
        Assert.Equal(new[] { 0, 1 }, (await xl.GetNetworkAdaptersAsync("testvm", Ct)).Where(n => n.Mac == "00:16:3e:00:00:aa").Select(n => n.Index));

        var rename = await Assert.ThrowsAsync<XenDomainExistsException>(() => xl.RenameAsync("testvm", "Domain-0", Ct));
        Assert.Equal(Stderr("266"), rename.StandardError);
        var pin = await Assert.ThrowsAnyAsync<XlCommandException>(() => xl.PinVCpuAsync("testvm", "0", "7", null, Ct));
        Assert.Equal(Stderr("267"), pin.StandardError);
        var save = await Assert.ThrowsAnyAsync<XlCommandException>(() => xl.SaveAsync("testvm", "/no/such/dir/testvm.save", XenSaveMode.Destroy, Ct));
        Assert.Equal(Stderr("268"), save.StandardError);
        Assert.Equal(XenDomainState.Running, (await xl.GetDomainAsync("testvm", Ct)).State);
        var noSave = await Assert.ThrowsAnyAsync<XlCommandException>(() => xl.RestoreAsync("/tmp/no-such.save", false, null, Ct));
        Assert.Equal(Stderr("270"), noSave.StandardError);
        var magic = await Assert.ThrowsAnyAsync<XlCommandException>(() => xl.RestoreAsync("/srv/domU.cfg", false, null, Ct));
        Assert.Equal(Stderr("271"), magic.StandardError);

        var shutdown = await Assert.ThrowsAsync<XenDomainNotFoundException>(() => xl.ShutdownAsync("nosuchdomain", false, null, Ct));
        Assert.Contains(Stderr("272").Trim(), shutdown.Message, StringComparison.Ordinal);
        var reboot = await Assert.ThrowsAsync<XenDomainNotFoundException>(() => xl.RebootAsync("nosuchdomain", false, null, Ct));
        Assert.Contains(Stderr("274").Trim(), reboot.Message, StringComparison.Ordinal);

        // 275: unpause of a running domain; 276/277: Xen counts pauses.
        var notPaused = await Assert.ThrowsAsync<XenOperationException>(() => xl.UnpauseAsync("testvm", Ct));
        Assert.Equal("DomainNotPaused", notPaused.ErrorId);
        Assert.Contains(Stderr("275").Trim(), notPaused.Message, StringComparison.Ordinal);
        await xl.PauseAsync("testvm", Ct);
        await xl.PauseAsync("testvm", Ct);
        await xl.UnpauseAsync("testvm", Ct);
        XenDomain stillPaused = await xl.GetDomainAsync("testvm", Ct);
        Assert.Equal((XenDomainState.Paused, "--p---"), (stillPaused.State, stillPaused.XlState));
        string row = FixtureText("277", ".stdout").Split('\n')[1];
        Assert.Contains(stillPaused.XlState, row, StringComparison.Ordinal);

        // 296: a paused guest cannot acknowledge a shutdown request.
        var noAck = await Assert.ThrowsAnyAsync<XlCommandException>(() => xl.ShutdownAsync("testvm", false, null, Ct));
        Assert.Contains("guest didn't acknowledge control request: -9", noAck.StandardError, StringComparison.Ordinal);
        Assert.Contains("guest didn't acknowledge control request: -9", Stderr("296"), StringComparison.Ordinal);
        await xl.UnpauseAsync("testvm", Ct);
        Assert.Equal(XenDomainState.Running, (await xl.GetDomainAsync("testvm", Ct)).State);
    }
}
