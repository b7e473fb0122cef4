using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>The base of cmdlets that act on Xen hosts: <c>-XenHost</c> (by property name, so objects act on the host they came from), or the session's default connection.</summary>
public abstract partial class XenHostCmdlet : XenCmdlet
{
    /// <summary>
    /// The hosts to act on (connections from <c>Connect-XenHost</c>, or their names). Several hosts fan
    /// out. Default: the session's default connection; on a Dom0 with no connection, this host.
    /// </summary>
    /// <remarks>
    /// No null validation on purpose: objects that came from no host (a config read from a local file)
    /// bind a null XenHost by property name, which must mean "the default host", not a binding error.
    /// </remarks>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [XenHostTransformation]
    [ArgumentCompleter(typeof(XenHostNameCompleter))]
    [AllowNull]
    [AllowEmptyCollection]
    public XenHostConnection[]? XenHost { get; set; }

    private HashSet<string>? _commandLineParameters;

    /// <summary>The session of this runspace (look it up on the pipeline thread only).</summary>
    protected static XenSession Session => XenSessions.Current;

    /// <summary>Notes which parameters the command line bound, so that <see cref="IsFromPipeline"/> can tell them from pipeline input.</summary>
    protected override void BeginProcessing()
    {
        _commandLineParameters = new HashSet<string>(MyInvocation.BoundParameters.Keys, StringComparer.OrdinalIgnoreCase);
        base.BeginProcessing();
    }

    /// <summary>
    /// Whether <paramref name="parameterName"/> was bound from the pipeline (a string or an object's
    /// property) rather than typed on the command line. Names from the pipeline are literal, never wildcards.
    /// </summary>
    protected bool IsFromPipeline(string parameterName) =>
        _commandLineParameters is not null && !_commandLineParameters.Contains(parameterName) && MyInvocation.BoundParameters.ContainsKey(parameterName);

    /// <summary>The hosts to act on; a terminating error when there is none. A closed connection is a non-terminating ConnectionClosed error and is left out.</summary>
    protected IReadOnlyList<XenHostConnection> ResolveHosts()
    {
        IReadOnlyList<XenHostConnection> hosts;
        try
        {
            hosts = Session.Resolve(XenHost, new Dom0Probe(), () => XenConnectionFactory.Local(new LocalConnectionOptions(), LoggerFactory));
        }
        catch (XenOperationException ex)
        {
            ThrowXenError(ex, null);
            throw; // not reached: ThrowTerminatingError throws
        }

        foreach (XenHostConnection closed in hosts.Where(h => h.IsClosed))
        {
            WriteXenError(closed.Closed(), closed);
        }

        return hosts.Any(h => h.IsClosed) ? hosts.Where(h => !h.IsClosed).ToArray() : hosts;
    }
}

/// <summary>Shared by the cmdlets that select domains.</summary>
public abstract partial class XenHostCmdlet
{
    /// <summary>
    /// Lists each host once and selects the domains <paramref name="selector"/> names. Hosts that
    /// cannot be listed and literal names that match nothing are written as non-terminating errors.
    /// </summary>
    protected IReadOnlyList<Operations.DomainTarget> SelectDomains(IReadOnlyList<XenHostConnection> hosts, Operations.DomainSelector selector)
    {
        Operations.DomainResolution r = Run(ct => Operations.DomainTargetResolver.ResolveAsync(hosts, selector, ct));
        foreach (Operations.HostFailure f in r.HostErrors)
        {
            WriteXenError(f.Error, f.Host);
        }

        foreach (XenDomainNotFoundException nf in r.NotFound)
        {
            WriteXenError(nf, nf.Domain);
        }

        return r.Targets;
    }
}

/// <summary>Turns connection names given to <c>-XenHost</c> into the session's connections.</summary>
public sealed class XenHostTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        if (inputData is null)
        {
            return null!;
        }

        var result = new List<XenHostConnection>();
        foreach (object? item in LanguagePrimitives.GetEnumerable(inputData) ?? new[] { inputData })
        {
            object? o = item is PSObject pso ? pso.BaseObject : item;
            switch (o)
            {
                case null:
                    break;
                case XenHostConnection c:
                    result.Add(c);
                    break;
                case string name:
                    IReadOnlyList<XenHostConnection> found = XenSessions.Current.Find(name);
                    if (found.Count == 0)
                    {
                        throw new ArgumentTransformationMetadataException($"No open connection is named '{name}'. Connect to it first with Connect-XenHost; Get-XenHostConnection lists the open ones.");
                    }

                    result.AddRange(found);
                    break;
                default:
                    return inputData;
            }
        }

        return result.ToArray();
    }
}

/// <summary>Completes <c>-XenHost</c> with the names of this runspace's connections.</summary>
public sealed class XenHostNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters) =>
        Completion.Complete(XenSessions.Current.Connections.Select(c => c.Name), wordToComplete, "Xen host");
}
