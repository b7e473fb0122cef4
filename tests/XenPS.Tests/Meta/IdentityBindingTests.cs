namespace XenPS.Tests.Meta;

/// <summary>
/// A piped XenDomain must bind to an object parameter by value, never to -Name by property name (which would
/// look it up again by name, as a wildcard): PowerShell tries the default parameter set first, so every cmdlet
/// that takes domain objects makes an object set its default. That set is -InputObject for the domain verbs;
/// a device or vCPU verb (Remove-XenDisk, Set-XenVCpu) may default to its own object set (a piped XenDisk or
/// XenVCpu, by value) as long as that set binds nothing by property name: a piped XenDomain then falls through
/// to its -InputObject set, never to -Name. Holds cmdlets added later to the same rule.
/// </summary>
public sealed class IdentityBindingTests
{
    [Fact]
    public void Every_cmdlet_taking_XenDomain_objects_defaults_to_an_object_set_that_binds_nothing_by_property_name()
    {
        var bad = new List<string>();
        int checkedCount = 0;
        foreach (CmdletData c in CmdletSurface.Read(CmdletSurface.CmdletAssembly))
        {
            ParameterInfoData? input = c.Parameters.FirstOrDefault(p => p.Name == "InputObject");
            if (input is null || ElementType(input.Type).FullName != "XenPS.XenDomain")
            {
                continue;
            }

            checkedCount++;
            string? defaultSet = ParameterInfoData.Named<string>(
                c.Type.GetCustomAttributesData().Single(a => a.AttributeType.FullName == CmdletSurface.Sma + ".CmdletAttribute"),
                "DefaultParameterSetName");
            if (defaultSet is null)
            {
                bad.Add($"{c.Name}: no DefaultParameterSetName");
                continue;
            }

            var inDefault = c.Parameters.Where(p => p.ParameterSets.Contains(defaultSet)).ToList();
            bool objectByValue = inDefault.Any(p => p.ByValue && ElementType(p.Type).Namespace == "XenPS");
            var byName = inDefault.Where(p => p.ByPropertyName).Select(p => p.Name).ToList();
            if (!objectByValue)
            {
                bad.Add($"{c.Name}: default set '{defaultSet}' takes no XenPS object by value");
            }

            if (byName.Count > 0)
            {
                bad.Add($"{c.Name}: default set '{defaultSet}' binds {string.Join(", ", byName)} by property name");
            }
        }

        Assert.True(checkedCount >= 10, $"expected the domain verbs, found {checkedCount} cmdlets with a XenDomain -InputObject");
        Assert.True(bad.Count == 0, "A piped XenDomain could bind -Name by property name: " + string.Join("; ", bad));
    }

    private static Type ElementType(Type t) => t.IsArray ? t.GetElementType()! : t;
}
