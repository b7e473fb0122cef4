using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Attaches a network adapter (vif) to running Xen domains (xl network-attach); with -Persist also adds it to their config files.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "XenNetworkAdapter", DefaultParameterSetName = ByInputObject, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(XenNetworkAdapter))]
public sealed class AddXenNetworkAdapterCommand : XenDeviceCmdlet<XenNetworkAdapter>
{
    /// <summary>The host bridge to plug the adapter into (default xenbr0, xl's default). A bridge the host does not have is refused before xl runs; Get-XenBridge lists them.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(XenBridgeNameCompleter))]
    public string? Bridge { get; set; }

    /// <summary>The MAC address (e.g. 00:16:3e:12:34:56). Default: xl picks one in Xen's 00:16:3e range (written into the file with -Persist, so the adapter keeps it).</summary>
    [Parameter]
    [ValidatePattern("^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")]
    public string? Mac { get; set; }

    /// <summary>The emulated card of an HVM guest (e1000, rtl8139, ...).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Model { get; set; }

    /// <summary>The IP address(es) the vif scripts configure (space separated).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Ip { get; set; }

    /// <summary>The bandwidth limit as xl writes it: 10MB/s, 100Mb/s, 1000KB/s@20ms.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Rate { get; set; }

    /// <summary>A whole xl vif specification (xl-network-configuration(5)), e.g. 'bridge=xenbr1,mac=00:16:3e:00:00:01', instead of the options above.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Spec { get; set; }

    /// <summary>Also add the adapter to the domain's config file (comments and layout kept). Needed for an Off domain, whose file is then the only change.</summary>
    [Parameter]
    public SwitchParameter Persist { get; set; }

    /// <summary>Write the new adapter to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override bool WriteResults => PassThru;

    /// <inheritdoc />
    protected override bool PersistChange => Persist;

    /// <inheritdoc />
    protected override string RefusalPhrase => "attach a network adapter to";

    /// <inheritdoc />
    protected override string ActionPhrase => "Attach a network adapter";

    private NicRequest Request => new()
    {
        Bridge = Bridge,
        Mac = Mac,
        Model = Model,
        Ip = Ip,
        Rate = Rate,
        Spec = Spec,
        Persist = Persist,
    };

    /// <inheritdoc />
    protected override string DescribeAction(DomainTarget target)
    {
        string what = Spec is not null
            ? $"Attach network adapter '{Spec}' to"
            : $"Attach a network adapter on bridge '{Bridge ?? DeviceSpecs.DefaultBridge}'{(Mac is null ? string.Empty : $" with MAC {Mac}")} to";
        return DeviceText.Sentence(what, target, Persist);
    }

    /// <inheritdoc />
    protected override void ValidateInvocation()
    {
        if (Spec is not null && (Bridge ?? Mac ?? Model ?? Ip ?? Rate) is not null)
        {
            ThrowXenError(new XenOperationException("SpecWithOptions", XenErrorCategory.InvalidArgument, "-Spec is the whole vif specification: give it alone, or use -Bridge, -Mac, -Model, -Ip and -Rate."), Spec);
        }
    }

    /// <inheritdoc />
    protected override async Task<object?> WorkAsync(DomainTarget target, CancellationToken cancellationToken) =>
        await Devices.AddNetworkAdapterAsync(target, Request, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override DomainTarget TargetOf(XenNetworkAdapter device, Func<XenHostConnection> fallback) =>
        DeviceOperations.TargetOf(device, device.XenHost ?? fallback());
}

/// <summary>Completes <c>-Bridge</c> with the bridges of the default connection.</summary>
public sealed class XenBridgeNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters)
    {
        var names = new List<string>();
        if (XenSessions.Current.Default is { } host)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                names.AddRange(host.Toolstack.GetBridgesAsync(cts.Token).GetAwaiter().GetResult().Select(b => b.Name));
            }
            catch (Exception)
            {
                // Completion must never throw into the user's prompt: an unreachable host completes nothing.
            }
        }

        return Completion.Complete(names, wordToComplete, "Bridge");
    }
}
