using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Gets the hypervisor's log of Xen hosts (xl dmesg), one object per line; -Clear empties it after reading (xl dmesg -c).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "XenHostLog", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(XenHostLogEntry))]
public sealed class GetXenHostLogCommand : XenHostCmdlet
{
    /// <summary>Empty the log after reading it (xl dmesg -c): what was read is still written to the pipeline.</summary>
    [Parameter]
    public SwitchParameter Clear { get; set; }

    /// <summary>Only the last lines of each host's log, as <c>xl dmesg | tail -n</c> (xl reads the whole ring either way; with -Clear all of it is cleared).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Tail { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (XenHostConnection host in ResolveHosts())
        {
            bool clear = false;
            if (Clear)
            {
                string sentence = $"Read and then clear the hypervisor log of host '{host.Name}' (xl dmesg -c).";
                clear = ShouldProcess(sentence, sentence.TrimEnd('.') + "?", "Confirm");
                if (!clear)
                {
                    // -WhatIf or a "no": the log is still read, never cleared.
                    WriteVerbose($"Reading the hypervisor log of host '{host.Name}' without clearing it.");
                }
            }

            try
            {
                IReadOnlyList<XenHostLogEntry> entries = Run(ct => Diagnostics.ReadHostLogAsync(host, clear, ct));
                int skip = MyInvocation.BoundParameters.ContainsKey(nameof(Tail)) ? Math.Max(0, entries.Count - Tail) : 0;
                foreach (XenHostLogEntry entry in entries.Skip(skip))
                {
                    WriteObject(entry);
                }
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteXenError(ex, host);
            }
        }
    }
}
