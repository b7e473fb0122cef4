using System.Management.Automation;

namespace XenPS.Tests.NameCheck.Fakes;

// Cmdlet classes that exist only to test CmdletSurface's reflection (they are never run).
// They live in the test assembly, so they are not part of XenPS and the module meta-tests never see them.

[Cmdlet(VerbsCommon.Get, "XenWidget")]
public sealed class GetXenWidgetCommand : FakeCmdletBase
{
    [Parameter(Position = 0)]
    [Alias("WidgetName", "WN")]
    public string[]? Name { get; set; }

    [Parameter]
    public SwitchParameter NameOnly { get; set; }

    [Parameter]
    public int Count { get; set; }

    // Not a parameter: no [Parameter].
    public string? Helper { get; set; }
}

[Cmdlet(VerbsCommon.Remove, "XenWidget", SupportsShouldProcess = true)]
public sealed class RemoveXenWidgetCommand : FakeCmdletBase
{
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string? Name { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }
}

// Abstract: never a command, even with [Cmdlet].
[Cmdlet(VerbsCommon.Set, "XenAbstract")]
public abstract class SetXenAbstractCommand : FakeCmdletBase
{
}

// Not public: never a command.
[Cmdlet(VerbsCommon.Set, "XenHidden")]
internal sealed class SetXenHiddenCommand : FakeCmdletBase
{
}

public abstract class FakeCmdletBase : PSCmdlet
{
    // Inherited by every fake cmdlet.
    [Parameter]
    [Alias("Cn")]
    public string? ComputerName { get; set; }
}
