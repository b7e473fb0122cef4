using System.Management.Automation;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Closes connections to Xen hosts (the SSH control connection too) and removes them from the session.</para>
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "XenHost", DefaultParameterSetName = ByHost)]
[OutputType(typeof(void))]
public sealed class DisconnectXenHostCommand : XenCmdlet
{
    private const string ByHost = "XenHost";
    private const string AllSet = "All";

    /// <summary>The connections to close (objects or names). Default: the session's default connection.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByHost)]
    [XenHostTransformation]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    public XenHostConnection[]? XenHost { get; set; }

    /// <summary>Close every connection of the session.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter All { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var session = XenSessions.Current;
        IReadOnlyList<XenHostConnection> targets = All
            ? session.Connections
            : XenHost is { Length: > 0 } given ? given : session.Default is { } d ? [d] : [];
        foreach (XenHostConnection c in targets)
        {
            session.Remove(c);
            try
            {
                Run(async ct => await c.DisposeAsync().ConfigureAwait(false));
                WriteVerbose($"Disconnected from Xen host '{c.Name}'.");
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteXenError(ex, c);
            }
        }
    }
}
