using System.Globalization;
using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Attaches this terminal to a running Xen domain's console (xl console; over SSH with a terminal for remote hosts) until you press Ctrl+].</para>
/// </summary>
[Cmdlet(VerbsCommon.Enter, "XenConsole", DefaultParameterSetName = ByInputObject)]
[OutputType(typeof(void))]
public sealed class EnterXenConsoleCommand : XenDomainCmdlet
{
    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        IReadOnlyList<DomainTarget> targets = ResolveTargets();
        if (targets.Count == 0)
        {
            return;
        }

        if (targets.Count > 1)
        {
            ThrowXenError(
                new XenOperationException(
                    "ConsoleNeedsOneDomain",
                    XenErrorCategory.InvalidArgument,
                    $"A console attaches to one domain, and this names {targets.Count}: {string.Join(", ", targets.Select(t => $"'{t.Domain.Name}' on '{t.Host.Name}'"))}. Name exactly one."),
                null);
        }

        DomainTarget target = targets[0];
        if (target.Domain.Id is not int id)
        {
            WriteXenError(
                new XenOperationException("DomainNotRunning", XenErrorCategory.InvalidOperation, $"Domain '{target.Domain.Name}' on host '{target.Host.Name}' is Off: it has no console. Start it first (Start-XenDomain).")
                {
                    HostName = target.Host.Name,
                    Domain = target.Domain.Name,
                },
                target.Domain);
            return;
        }

        if (Diagnostics.ConsoleUnavailableReason(Console.IsInputRedirected, Console.IsOutputRedirected) is string reason)
        {
            ThrowXenError(new XenOperationException("NoTerminal", XenErrorCategory.InvalidOperation, reason), target.Domain);
        }

        Host.UI.WriteLine($"Connected to the console of domain '{target.Domain.Name}' (id {id}) on host '{target.Host.Name}'. Press Ctrl+] to leave.");
        try
        {
            int exit = Run(ct => target.Host.Toolstack.EnterConsoleAsync(id.ToString(CultureInfo.InvariantCulture), ct));
            Host.UI.WriteLine();
            if (exit != 0)
            {
                WriteXenError(
                    new XenOperationException("ConsoleFailed", XenErrorCategory.InvalidResult, $"'xl console {id}' for domain '{target.Domain.Name}' on host '{target.Host.Name}' exited {exit} (its message is above).")
                    {
                        HostName = target.Host.Name,
                        Domain = target.Domain.Name,
                    },
                    target.Domain);
            }
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteXenError(ex, target.Domain);
        }
    }
}
