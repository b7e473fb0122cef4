using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Saves Xen domains' memory to a file on the host (xl save); the domain is destroyed unless -KeepRunning or -LeavePaused.</para>
/// </summary>
[Cmdlet(VerbsData.Save, "XenDomain", DefaultParameterSetName = ByInputObject, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(XenDomain))]
public sealed class SaveXenDomainCommand : XenBulkDomainCmdlet
{
    /// <summary>
    /// The save file on the Xen host. When it is an existing folder (or ends with '/'), each domain is
    /// saved to '&lt;folder&gt;/&lt;name&gt;.save', so many domains can be saved in one pipeline.
    /// </summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Overwrite a save file that already exists. Without it an existing file is refused (SaveFileExists) and the domain is left as it was. Even with it, two domains of one command are never saved to the same file (SaveFileInUse).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Keep the domain running after saving (xl save -c): a checkpoint.</summary>
    [Parameter]
    public SwitchParameter KeepRunning { get; set; }

    /// <summary>Leave the domain paused after saving (xl save -p).</summary>
    [Parameter]
    public SwitchParameter LeavePaused { get; set; }

    /// <inheritdoc />
    protected override string? Dom0Refusal => "save";

    private readonly SaveFileClaims _claims = new();

    private XenSaveMode Mode => KeepRunning ? XenSaveMode.KeepRunning : LeavePaused ? XenSaveMode.LeavePaused : XenSaveMode.Destroy;

    /// <inheritdoc />
    protected override string ActionPhrase => $"Save to '{Path}'" + (Mode switch
    {
        XenSaveMode.KeepRunning => " and keep running",
        XenSaveMode.LeavePaused => " and leave paused",
        _ => " and destroy",
    });

    /// <inheritdoc />
    protected override string DescribeAction(DomainTarget target) =>
        $"Save domain '{target.Domain.Name}' on host '{target.Host.Name}' to '{Path}'" + (Mode switch
        {
            XenSaveMode.KeepRunning => " and keep it running.",
            XenSaveMode.LeavePaused => " and leave it paused.",
            _ => " and destroy it.",
        });

    /// <inheritdoc />
    protected override void ValidateInvocation()
    {
        if (KeepRunning && LeavePaused)
        {
            ThrowXenError(new XenOperationException("ConflictingSwitches", XenErrorCategory.InvalidArgument, "Use -KeepRunning or -LeavePaused, not both."), null);
        }
    }

    /// <inheritdoc />
    /// <remarks>On the pipeline thread, in input order: the first domain aimed at a file gets it, whichever save reaches the host first.</remarks>
    protected override void Accept(DomainTarget target)
    {
        _claims.Reserve(target, Path);
        base.Accept(target);
    }

    /// <inheritdoc />
    protected override async Task<XenDomain?> ActAsync(DomainTarget target, CancellationToken cancellationToken)
    {
        string path = await SavePaths.ResolveAsync(target, Path, cancellationToken).ConfigureAwait(false);
        return await Lifecycle.SaveAsync(target, path, Mode, Force, _claims, cancellationToken).ConfigureAwait(false);
    }
}
