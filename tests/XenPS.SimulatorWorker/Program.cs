using System.Globalization;
using XenPS;
using XenPS.Simulation;

// Usage: XenPS.SimulatorWorker <statePath> <hostName> <workerId> <operations>
// Does <operations> operations on one simulated host of a shared state file: even ones create a
// paused guest "w<id>-<n>", odd ones write a file "/tmp/w<id>-<n>". Prints one line per operation.
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
