namespace XenPS.Config;

/// <summary>
/// The checks XenPS applies to names and paths before it writes them into a config file or passes them to xl.
/// </summary>
/// <remarks>
/// libxl itself accepts almost any domain name, but xl and xenstore impose practical rules: every xl command reads
/// an all-digit argument as a domain id (so a domain named <c>42</c> cannot be addressed by name), xenstore paths
/// use <c>/</c> as a separator, and control characters break <c>xl list</c>'s fixed-width output. A name must
/// therefore be non-empty, at most 256 characters, without control characters or <c>/</c>, not all digits, and
/// without leading or trailing blanks (xl's list output would not show them).
/// </remarks>
public static class XenConfigNames
{
    /// <summary>The longest domain name XenPS writes.</summary>
    public const int MaxDomainNameLength = 256;

    /// <summary>Returns why <paramref name="name"/> is not a usable domain name, or <see langword="null"/> when it is.</summary>
    public static string? CheckDomainName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "Domain name must be specified.";
        }

        if (name.Length > MaxDomainNameLength)
        {
            return $"The domain name is longer than {MaxDomainNameLength} characters.";
        }

        foreach (char c in name)
        {
            if (char.IsControl(c))
            {
                return "The domain name contains a control character.";
            }

            if (c == '/')
            {
                return "The domain name contains '/', which xenstore paths cannot hold.";
            }
        }

        if (name.All(char.IsAsciiDigit))
        {
            return $"The domain name '{name}' is all digits: xl would read it as a domain id.";
        }

        if (name.Trim() != name)
        {
            return "The domain name starts or ends with blanks.";
        }

        return null;
    }

    /// <summary>Checks a domain name (see the remarks on <see cref="XenConfigNames"/>).</summary>
    /// <exception cref="ArgumentException">It is not usable.</exception>
    public static void ValidateDomainName(string name)
    {
        if (CheckDomainName(name) is string why)
        {
            throw new ArgumentException(why, nameof(name));
        }
    }

    /// <summary>The rule for names XenPS gives domains (creating, renaming, writing a config's <c>name</c>), in words.</summary>
    public const string NewDomainNameRule =
        "A domain name XenPS creates or renames to is made of letters (a-z, A-Z), digits, '-', '_' and '.' only, does not start with '-', is not all digits and is not 'Domain-0'";

    /// <summary>
    /// Returns why <paramref name="name"/> cannot be given to a domain by XenPS, or <see langword="null"/>.
    /// An allow-list: a name that is safe in a file name, on a shell line, as an xl argument and in xl's
    /// <c>key=value</c> config syntax (<c>xl create /etc/xen/a=b.cfg</c> would read the path as config text).
    /// Existing domains with other names (made outside XenPS) are still read and acted on (see <see cref="CheckDomainName"/>).
    /// </summary>
    public static string? CheckNewDomainName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return $"The domain name is empty. {NewDomainNameRule}.";
        }

        if (name.Length > MaxDomainNameLength)
        {
            return $"The domain name is longer than {MaxDomainNameLength} characters.";
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return $"The domain name '{name}' contains '{c}'. {NewDomainNameRule}.";
            }
        }

        if (name[0] == '-')
        {
            return $"The domain name '{name}' starts with '-', which xl and other tools would read as an option. {NewDomainNameRule}.";
        }

        if (name.All(char.IsAsciiDigit))
        {
            return $"The domain name '{name}' is all digits: xl would read it as a domain id. {NewDomainNameRule}.";
        }

        if (string.Equals(name, "Domain-0", StringComparison.OrdinalIgnoreCase))
        {
            return $"The name '{name}' is Domain-0's, the host itself. {NewDomainNameRule}.";
        }

        return null;
    }

    /// <summary>Checks a name XenPS is about to give a domain (see <see cref="CheckNewDomainName"/>).</summary>
    /// <exception cref="XenOperationException"><c>InvalidDomainName</c>, naming the rule.</exception>
    public static void ValidateNewDomainName(string? name)
    {
        if (CheckNewDomainName(name) is string why)
        {
            throw new XenOperationException("InvalidDomainName", XenErrorCategory.InvalidArgument, why);
        }
    }

    /// <summary>Returns why <paramref name="path"/> cannot be written as a kernel/ramdisk/bootloader/disk path, or <see langword="null"/>.</summary>
    public static string? CheckPath(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "The path is empty.";
        }

        foreach (char c in path)
        {
            if (char.IsControl(c))
            {
                return "The path contains a control character (newline, NUL, ...).";
            }
        }

        return null;
    }

    /// <summary>Checks a path for a config file value: non-empty, no control characters.</summary>
    /// <exception cref="ArgumentException">It is not usable.</exception>
    public static void ValidatePath(string path, string? paramName = null)
    {
        if (CheckPath(path) is string why)
        {
            throw new ArgumentException(why, paramName ?? nameof(path));
        }
    }
}
