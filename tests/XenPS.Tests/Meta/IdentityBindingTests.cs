using System.Reflection;

namespace XenPS.Tests.Meta;

/// <summary>
/// A piped XenDomain must bind to -InputObject by value, never to -Name by property name (which would look it
/// up again by name, as a wildcard): PowerShell tries the default parameter set first, so every cmdlet that
/// takes domain objects makes the object set its default. Holds cmdlets added later to the same rule.
/// </summary>
public sealed class IdentityBindingTests
{
    [Fact]
    public void Every_cmdlet_taking_XenDomain_objects_makes_InputObject_its_default_parameter_set()
    {
        var bad = new List<string>();
        int checkedCount = 0;
        foreach (Type t in CmdletSurface.CmdletAssembly.GetExportedTypes().Where(t => !t.IsAbstract && CmdletSurface.DerivesFrom(t, CmdletSurface.Sma + ".Cmdlet")))
        {
            PropertyInfo? input = t.GetProperty("InputObject");
            Type? element = input?.PropertyType.IsArray == true ? input.PropertyType.GetElementType() : input?.PropertyType;
            if (element?.FullName != "XenPS.XenDomain")
            {
                continue;
            }

            checkedCount++;
            CustomAttributeData cmdlet = t.GetCustomAttributesData().Single(a => a.AttributeType.FullName == CmdletSurface.Sma + ".CmdletAttribute");
            string? defaultSet = ParameterInfoData.Named<string>(cmdlet, "DefaultParameterSetName");
            // Set-XenVCpu's default is its own object set (a piped XenVCpu, by value): an object set wins
            // there too, and its -InputObject set takes the XenDomain.
            if (defaultSet != "InputObject" && !(t.Name == "SetXenVCpuCommand" && defaultSet == "VCpuObject"))
            {
                bad.Add($"{t.Name}: DefaultParameterSetName is '{defaultSet}'");
            }
        }

        Assert.True(checkedCount >= 10, $"expected the domain verbs, found {checkedCount} cmdlets with a XenDomain -InputObject");
        Assert.True(bad.Count == 0, "A piped XenDomain would bind -Name by property name: " + string.Join("; ", bad));
    }
}
