using System.Reflection;
using XenPS.Core.Tests.Xl;
using XenPS.Toolstack;
using XenPS.Transport;

namespace XenPS.Core.Tests.Targeting;

/// <summary>No user word reaches xl as an option: every argv XlToolstack builds, for every contract method.</summary>
public sealed class XlArgvRuleTests
{
    // Options whose value is the next word whole (getopt takes it even when it starts with '-').
    private static readonly HashSet<string> s_optionsWithValue = ["-d", "-s", "-C"];

    public static TheoryData<string> ContractMethods()
    {
        var data = new TheoryData<string>();
        foreach (MethodInfo m in typeof(IXenToolstack).GetMethods().Where(m => !m.IsSpecialName))
        {
            data.Add(m.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ContractMethods))]
    public async Task Every_user_word_comes_after_the_end_of_options_or_as_an_options_value(string method)
    {
        var t = new FakeTransport().OnWhere(_ => true, _ => new CommandResult(0, string.Empty, string.Empty, TimeSpan.Zero));
        IXenToolstack ts = t.Toolstack();

        // Every overload of the name (SetVCpuCountAsync has two), and streams as well as tasks.
        foreach (MethodInfo m in typeof(IXenToolstack).GetMethods().Where(m => m.Name == method))
        {
            object?[] args = m.GetParameters().Select(p => Argument(p)).ToArray();
            try
            {
                await CompleteAsync(m.Invoke(ts, args));
            }
            catch (Exception ex) when (ex is XenException or FormatException or ArgumentException or InvalidOperationException or NotSupportedException or System.Text.Json.JsonException or NullReferenceException)
            {
                // Empty output is not what xl prints; only the argv matters here.
            }
        }

        foreach (CommandRequest call in t.Calls.Where(c => c.Program == "xl"))
        {
            IReadOnlyList<string> argv = call.Arguments;
            int end = argv.ToList().IndexOf("--");
            for (int i = 0; i < argv.Count; i++)
            {
                if (!argv[i].StartsWith("-user", StringComparison.Ordinal))
                {
                    continue;
                }

                bool safe = (end >= 0 && i > end) || (i > 0 && s_optionsWithValue.Contains(argv[i - 1]));
                Assert.True(safe, $"{method}: '{argv[i]}' could be read as an option in: xl {string.Join(' ', argv)}");
            }
        }
    }

    [Fact]
    public void The_end_of_options_marker_stays_only_where_a_word_after_it_starts_with_a_dash()
    {
        Assert.Equal(["pause", "7"], XlToolstack.EndOfOptions(["pause", "--", "7"]));
        Assert.Equal(["rename", "web1", "web2"], XlToolstack.EndOfOptions(["rename", "--", "web1", "web2"]));
        Assert.Equal(["shutdown", "--", "-a"], XlToolstack.EndOfOptions(["shutdown", "--", "-a"]));
        Assert.Equal(["rename", "--", "ok1", "-h"], XlToolstack.EndOfOptions(["rename", "--", "ok1", "-h"]));
        Assert.Equal(["save", "-c", "--", "5", "-file"], XlToolstack.EndOfOptions(["save", "-c", "--", "5", "-file"]));
        Assert.Equal(["list", "-v"], XlToolstack.EndOfOptions(["list", "-v"]));
    }

    [Fact]
    public async Task A_domain_named_like_an_option_is_passed_after_the_marker()
    {
        var t = new FakeTransport().OnWhere(_ => true, _ => new CommandResult(0, string.Empty, string.Empty, TimeSpan.Zero));
        await t.Toolstack().ShutdownAsync("-a", wait: false, timeout: null, CancellationToken.None);
        await t.Toolstack().RenameAsync("ok1", "-h", CancellationToken.None);
        Assert.Equal(["xl shutdown -- -a", "xl rename -- ok1 -h"], t.CallLines);
    }

    // Awaits a Task, or reads an IAsyncEnumerable<T> to its end.
    private static async Task CompleteAsync(object? result)
    {
        if (result is Task task)
        {
            await task;
            return;
        }

        Type? stream = result?.GetType().GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>));
        if (stream is null)
        {
            return;
        }

        object enumerator = stream.GetMethod("GetAsyncEnumerator")!.Invoke(result, [CancellationToken.None])!;
        MethodInfo moveNext = typeof(IAsyncEnumerator<>).MakeGenericType(stream.GetGenericArguments()[0]).GetMethod("MoveNextAsync")!;
        try
        {
            while (await (ValueTask<bool>)moveNext.Invoke(enumerator, null)!)
            {
            }
        }
        finally
        {
            await ((IAsyncDisposable)enumerator).DisposeAsync();
        }
    }

    private static object? Argument(ParameterInfo p)
    {
        Type type = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
        return type switch
        {
            _ when type == typeof(string) => "-user-" + p.Name,
            _ when type == typeof(int) => 1,
            _ when type == typeof(long) => 64L,
            _ when type == typeof(bool) => p.Name == "paused",
            _ when type == typeof(TimeSpan) => TimeSpan.FromSeconds(5),
            _ when type == typeof(CancellationToken) => CancellationToken.None,
            _ when type == typeof(XenSaveMode) => XenSaveMode.KeepRunning,
            _ when type == typeof(XenMigrationRequest) => new XenMigrationRequest("-user-destination") { SshCommand = "-user-ssh", ConfigPath = "-user-config", Paused = true },
            _ when type == typeof(IProgress<string>) => null,
            _ when type == typeof(IReadOnlyList<string>) => new[] { "ssh", "-l", "-user-" + p.Name },
            _ => throw new NotSupportedException($"Give {nameof(XlArgvRuleTests)} a value for a parameter of type {type}: {p.Member.Name}({p.Name})."),
        };
    }
}
