using System.Globalization;
using XenPS;
using XenPS.Operations;
using XenPS.Simulation;

// Usage: XenPS.SimulatorWorker <statePath> <hostName> <workerId> <operations>
// Does <operations> operations on one simulated host of a shared state file: even ones create a
// paused guest "w<id>-<n>", odd ones write a file "/tmp/w<id>-<n>". Prints one line per operation.
//
// Usage: XenPS.SimulatorWorker new <statePath> <hostName> <workerId> <names>
// New-XenDomain's decision (DomainConfigOperations.NewAsync, no -Force) for domains "race-0".."race-<names-1>",
// each config marked "worker=<id>" in its cmdline: prints "won NAME" or "lost NAME ERRORID" per name.
if (args.Length == 5 && args[0] == "new")
{
    return await NewRace.RunAsync(args[1], args[2], args[3], int.Parse(args[4], CultureInfo.InvariantCulture));
}

if (args.Length != 4)
{
    Console.Error.WriteLine("usage: XenPS.SimulatorWorker <statePath> <hostName> <workerId> <operations>");
    return 2;
}

string statePath = args[0];
string hostName = args[1];
string worker = args[2];
int operations = int.Parse(args[3], CultureInfo.InvariantCulture);
using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
SimulatedFabric fabric = SimulatedFabric.Open(statePath);
await fabric.AddHostAsync(hostName, cancellationToken: cts.Token);
SimulatedToolstack xl = fabric.GetToolstack(hostName);
try
{
    for (int n = 0; n < operations; n++)
    {
        string name = $"w{worker}-{n}";
        if (n % 2 == 0)
        {
            XenDomain dom = await xl.CreateAsync($"name = \"{name}\"\nkernel = \"/boot/vmlinuz\"\nmemory = 16\n", paused: true, cts.Token);
            Console.WriteLine($"created {dom.Name} {dom.Id}");
        }
        else
        {
            await xl.WriteFileAsync($"/tmp/{name}", name, cts.Token);
            Console.WriteLine($"wrote /tmp/{name}");
        }
    }
}
catch (XenException ex)
{
    Console.Error.WriteLine($"{ex.ErrorId}: {ex.Message}");
    return 1;
}

return 0;

internal static class NewRace
{
    public static async Task<int> RunAsync(string statePath, string hostName, string worker, int names)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using XenHostConnection host = await XenConnectionFactory.SimulatedAsync(new SimulatedConnectionOptions { Name = hostName, StatePath = statePath });
        var ops = new DomainConfigOperations();
        for (int n = 0; n < names; n++)
        {
            string name = $"race-{n}";
            var spec = new NewDomainSpec { Name = name, MemoryMB = 16, Kernel = "/boot/vmlinuz", KernelArgs = "worker=" + worker };
            try
            {
                await ops.NewAsync(host, DomainConfigOperations.BuildConfig(spec), force: false, start: false, paused: false, cts.Token);
                Console.WriteLine($"won {name}");
            }
            catch (XenException ex) when (ex.ErrorId == "DomainExists")
            {
                Console.WriteLine($"lost {name} {ex.ErrorId}");
            }
        }

        return 0;
    }
}
