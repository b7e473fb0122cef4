using System.Reflection;
using XenPS.Simulation;

namespace XenPS.Core.Tests.Simulation;

/// <summary>
/// The simulator's storage: state kept as objects, a change on a private deep copy that is published only
/// when it succeeds, reads that neither copy nor wait, and config files parsed once per text.
/// </summary>
public sealed class SimStoreTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static string Config(string name, long memoryMB = 128, bool devices = false) =>
        $"name = \"{name}\"\ntype = \"pv\"\nkernel = \"/boot/vmlinuz\"\nmemory = {memoryMB}\nmaxmem = 256\nvcpus = 1\n"
        + (devices ? $"disk = [ '/tmp/{name}.img,raw,xvda,w' ]\nvif = [ 'bridge=xenbr0' ]\n" : string.Empty);

    /// <summary>A fabric with a bit of everything: hosts, guests with disks and vifs, files, XenStore, injections.</summary>
    private static async Task<SimulatedFabric> BusyFabricAsync()
    {
        SimulatedFabric fabric = SimulatedFabric.InMemory();
        Assert.True(await fabric.AddHostAsync("a"));
        Assert.True(await fabric.AddHostAsync("b"));
        SimulatedToolstack xl = fabric.GetToolstack("a");
        await xl.WriteFileAsync("/tmp/web1.img", "disk image", Ct);
        await xl.WriteFileAsync("/tmp/web2.img", "disk image", Ct);
        await xl.CreateAsync(Config("web1", devices: true), false, Ct);
        await xl.CreateAsync(Config("web2", devices: true), true, Ct);
        await xl.PinVCpuAsync("web1", "0", "0", null, Ct);
        await xl.WriteFileAsync("/etc/xen/db1.cfg", Config("db1"), Ct);
        await xl.CreateSymbolicLinkAsync("/etc/xen/auto/db1.cfg", "/etc/xen/db1.cfg", Ct);
        await xl.XenStoreWriteAsync("/local/domain/1/data/x", "y", Ct);
        await fabric.SetLatencyAsync("a", "Pause", TimeSpan.FromMilliseconds(1), Ct);
        await fabric.FailNextAsync("a", "Destroy", 2, "libxl: error: simulated", "web2", Ct);
        await fabric.FailNextMigrationAsync("a", SimulatedMigrationFailure.ResumeAtSender, Ct);
        return fabric;
    }

    private static Task<FabricState> CommittedAsync(SimulatedFabric fabric) => fabric.Store.ReadAsync(state => state, Ct);

    [Fact]
    public async Task DeepCopy_HasTheSameContent_AndSharesNoMutableObject()
    {
        FabricState original = await CommittedAsync(await BusyFabricAsync());
        string before = SimJson.Serialize(original);

        FabricState copy = SimClone.Deep(original);

        Assert.Equal(before, SimJson.Serialize(copy));
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        AssertNothingShared(original, copy, "fabric", seen);
        Assert.True(seen.Count > 50, $"only {seen.Count} objects compared");

        // Changing every kind of thing in the copy leaves the original as it was.
        HostState host = copy.Hosts[0];
        host.Domains[1].Disks[0].Target = "/elsewhere";
        host.Domains[1].Nics.Clear();
        host.Domains[1].HardAffinity.Add("7");
        host.Domains.RemoveAt(0);
        host.Files["/etc/xen/db1.cfg"].Content = "changed";
        host.XenStore.Clear();
        host.Faults[0].Count = 0;
        host.LatencySeconds.Clear();
        host.MigrationFailures.Clear();
        copy.Hosts.RemoveAt(1);
        Assert.Equal(before, SimJson.Serialize(original));
    }

    // Walks both graphs field by field: every object that is not a string or a value must be a different object.
    private static void AssertNothingShared(object original, object copy, string path, HashSet<object> seen)
    {
        Type type = original.GetType();
        Assert.Equal(type, copy.GetType());
        if (SimClone.IsImmutable(type) || !seen.Add(original))
        {
            return;
        }

        Assert.False(ReferenceEquals(original, copy), $"{path} is shared between the state and its copy");
        if (original is System.Collections.IDictionary map)
        {
            var other = (System.Collections.IDictionary)copy;
            Assert.Equal(map.Count, other.Count);
            foreach (System.Collections.DictionaryEntry entry in map)
            {
                if (entry.Value is not null)
                {
                    AssertNothingShared(entry.Value, other[entry.Key]!, $"{path}[{entry.Key}]", seen);
                }
            }

            return;
        }

        if (original is System.Collections.IList list)
        {
            var other = (System.Collections.IList)copy;
            Assert.Equal(list.Count, other.Count);
            for (int i = 0; i < list.Count; i++)
            {
                if (list[i] is not null)
                {
                    AssertNothingShared(list[i]!, other[i]!, $"{path}[{i}]", seen);
                }
            }

            return;
        }

        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.GetValue(original) is { } value)
                {
                    AssertNothingShared(value, field.GetValue(copy)!, $"{path}.{field.Name}", seen);
                }
            }
        }
    }

    [Fact]
    public async Task AFailedChange_LeavesNothing_AndAChangeThatXlLeavesTracesOf_IsKept()
    {
        SimulatedFabric fabric = await BusyFabricAsync();
        string before = SimJson.Serialize(await CommittedAsync(fabric));

        await Assert.ThrowsAsync<InvalidOperationException>(() => fabric.Store.UpdateAsync<bool>(
            state =>
            {
                state.Hosts[0].Domains.Clear();
                state.Hosts[0].NextDomId = 99;
                throw new InvalidOperationException("half way");
            },
            Ct));
        Assert.Equal(before, SimJson.Serialize(await CommittedAsync(fabric)));

        await Assert.ThrowsAsync<SimXlError>(() => fabric.Store.UpdateAsync<bool>(
            state =>
            {
                state.Hosts[0].NextDomId = 42;
                throw new SimXlError("xl create x.cfg", 3, "failed\n", "x", commit: true);
            },
            Ct));
        Assert.Equal(42, (await CommittedAsync(fabric)).Hosts[0].NextDomId);
    }

    [Fact]
    public async Task ACommittedState_IsNeverChanged_ByALaterChange()
    {
        SimulatedFabric fabric = await BusyFabricAsync();
        FabricState earlier = await CommittedAsync(fabric);
        string before = SimJson.Serialize(earlier);

        await fabric.GetToolstack("a").DestroyAsync("web1", Ct);

        Assert.Equal(before, SimJson.Serialize(earlier));
        Assert.DoesNotContain((await CommittedAsync(fabric)).Hosts[0].Domains, d => d.Name == "web1");
    }

    [Fact]
    public async Task Reads_DoNotWaitForAChangeInProgress_AndSeeTheLastCommittedState()
    {
        SimulatedFabric fabric = await BusyFabricAsync();
        SimulatedToolstack xl = fabric.GetToolstack("a");
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        Task change = Task.Run(() => fabric.Store.UpdateAsync(
            state =>
            {
                state.Hosts[0].Domains.RemoveAll(d => d.Name == "web1");
                inside.Set();
                release.Wait(TimeSpan.FromSeconds(30));
                return true;
            },
            Ct));
        Assert.True(inside.Wait(TimeSpan.FromSeconds(30)));

        // Were reads to wait for the change, this would time out: the change is released only after it.
        XenDomain read = await xl.GetDomainAsync("web1", Ct).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("web1", read.Name);

        release.Set();
        await change.WaitAsync(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<XenDomainNotFoundException>(() => xl.GetDomainAsync("web1", Ct));
    }

    [Fact]
    public async Task InjectedLatency_HoldsNoLock_OtherChangesGoOn()
    {
        var time = new ManualTimeProvider();
        SimulatedFabric fabric = SimulatedFabric.InMemory();
        Assert.True(await fabric.AddHostAsync("a", timeProvider: time));
        SimulatedToolstack xl = fabric.GetToolstack("a", timeProvider: time);
        await xl.CreateAsync(Config("slow"), false, Ct);
        await xl.CreateAsync(Config("quick"), false, Ct);
        await fabric.SetLatencyAsync("a", "Shutdown", TimeSpan.FromMinutes(5), Ct);

        Task slow = xl.ShutdownAsync("slow", wait: false, timeout: null, Ct);
        await time.WaitForTimersAsync();

        // While the slow shutdown waits out its latency, changes and reads of the host complete.
        await xl.PauseAsync("quick", Ct).WaitAsync(TimeSpan.FromSeconds(30));
        await xl.SetMemoryAsync("quick", 64, Ct).WaitAsync(TimeSpan.FromSeconds(30));
        XenDomain quick = await xl.GetDomainAsync("quick", Ct).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((XenDomainState.Paused, 64L), (quick.State, quick.MemoryMB));
        Assert.False(slow.IsCompleted);

        time.Advance(TimeSpan.FromMinutes(5));
        await slow.WaitAsync(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<XenDomainNotFoundException>(() => xl.GetDomainAsync("slow", Ct));
    }

    [Fact]
    public async Task ConfigFiles_AreParsedOncePerText_AndARewriteIsSeen()
    {
        SimulatedFabric fabric = SimulatedFabric.InMemory();
        Assert.True(await fabric.AddHostAsync("a"));
        SimulatedToolstack xl = fabric.GetToolstack("a");
        await xl.WriteFileAsync("/etc/xen/off1.cfg", Config("off1", 128), Ct);

        FabricState state = await CommittedAsync(fabric);
        string text = state.Hosts[0].Files["/etc/xen/off1.cfg"].Content;
        SimGuestConfig? first = fabric.Configs.Parse(text, "/etc/xen/off1.cfg");
        Assert.Same(first, fabric.Configs.Parse(text, "/etc/xen/off1.cfg"));
        Assert.Equal(128L, (await xl.GetDomainAsync("off1", Ct)).MemoryMB);

        // A later change copies the state but keeps the text, and with it the parse.
        await xl.WriteFileAsync("/tmp/other", "x", Ct);
        string kept = (await CommittedAsync(fabric)).Hosts[0].Files["/etc/xen/off1.cfg"].Content;
        Assert.Same(text, kept);
        Assert.Same(first, fabric.Configs.Parse(kept, "/etc/xen/off1.cfg"));

        // Rewritten, the file is read anew; a broken file is still listed under its file name.
        await xl.WriteFileAsync("/etc/xen/off1.cfg", Config("off1", 256), Ct);
        Assert.Equal(256L, (await xl.GetDomainAsync("off1", Ct)).MemoryMB);
        Assert.Equal(256L, Assert.Single(await xl.ListDomainsAsync(Ct), d => d.Name == "off1").MemoryMB);
        await xl.WriteFileAsync("/etc/xen/off1.cfg", "name = \"off1\nmemory = \n", Ct);
        XenDomain broken = Assert.Single(await xl.ListDomainsAsync(Ct), d => d.Name == "off1");
        Assert.Equal((XenDomainState.Off, "/etc/xen/off1.cfg"), (broken.State, broken.ConfigPath));
    }

    [Fact]
    public async Task Listing_JoinsConfigsAndDomains_ByName()
    {
        SimulatedFabric fabric = SimulatedFabric.InMemory();
        Assert.True(await fabric.AddHostAsync("a", new SimulatedHostOptions { TotalMemoryMB = 64 * 1024 }));
        SimulatedToolstack xl = fabric.GetToolstack("a");
        for (int i = 0; i < 30; i++)
        {
            await xl.WriteFileAsync($"/etc/xen/g{i:D2}.cfg", Config($"g{i:D2}", 16), Ct);
            if (i % 3 == 0)
            {
                await xl.CreateFromFileAsync($"/etc/xen/g{i:D2}.cfg", false, Ct);
            }
        }

        IReadOnlyList<XenDomain> all = await xl.ListDomainsAsync(Ct);
        Assert.Equal(31, all.Count);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"g{i:D2}").Append("Domain-0").OrderBy(n => n, StringComparer.Ordinal), all.Select(d => d.Name).OrderBy(n => n, StringComparer.Ordinal));
        Assert.All(all.Where(d => d.Name != "Domain-0"), d =>
        {
            bool started = int.Parse(d.Name[1..], System.Globalization.CultureInfo.InvariantCulture) % 3 == 0;
            Assert.Equal(started ? XenDomainState.Running : XenDomainState.Off, d.State);
            Assert.Equal($"/etc/xen/{d.Name}.cfg", d.ConfigPath);
        });
    }

    [Fact]
    public async Task StateFile_IsReadAgain_OnlyWhenAnotherWriterChangedIt()
    {
        string folder = Directory.CreateTempSubdirectory("xenps-simstore-").FullName;
        try
        {
            string path = Path.Combine(folder, "state.json");
            SimulatedFabric first = SimulatedFabric.Open(path);
            SimulatedFabric second = SimulatedFabric.Open(path);
            Assert.True(await first.AddHostAsync("a"));
            await first.GetToolstack("a").CreateAsync(Config("x"), false, Ct);

            // Unchanged file: the same objects as last time, not a new deserialisation.
            FabricState seen = await CommittedAsync(first);
            Assert.Same(seen, await CommittedAsync(first));

            // Changed by another writer: read again, and the change is there.
            await second.GetToolstack("a").PauseAsync("x", Ct);
            FabricState after = await CommittedAsync(first);
            Assert.NotSame(seen, after);
            Assert.Equal(SimRunState.Paused, after.Hosts[0].Domains.Single(d => d.Name == "x").State);
            Assert.Equal(SimJson.Serialize(after), await File.ReadAllTextAsync(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
