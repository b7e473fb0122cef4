using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Gets this session's connections to Xen hosts (Connect-XenHost), the default one marked.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "XenHostConnection")]
[OutputType(typeof(XenHostConnection))]
public sealed class GetXenHostConnectionCommand : XenCmdlet
{
    /// <summary>Connection names; wildcards allowed. Default: every connection.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only the session's default connection.</summary>
    [Parameter]
    public SwitchParameter Default { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        XenSession session = XenSessions.Current;
        IEnumerable<XenHostConnection> connections = session.Connections;
        if (Default)
        {
            connections = connections.Where(c => c.IsDefault);
        }

        if (Name is { Length: > 0 })
        {
            var patterns = Name.Select(XenWildcard.Create).ToList();
            connections = connections.Where(c => patterns.Any(p => p.IsMatch(c.Name)));
            foreach (XenWildcard literal in patterns.Where(p => !p.HasWildcards && !session.Connections.Any(c => p.IsMatch(c.Name))))
            {
                WriteError(new ErrorRecord(
                    new ItemNotFoundException($"No connection named '{literal.Literal}' is open in this session. Connect-XenHost opens one."),
                    "ConnectionNotFound",
                    ErrorCategory.ObjectNotFound,
                    literal.Literal));
            }
        }

        WriteObject(connections, enumerateCollection: true);
    }
}
