using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace XenPS.Operations;

/// <summary>
/// How the source's <c>xl migrate</c> reaches the destination: xl's <c>-s</c> (the ssh command) and its host
/// word. xl joins them into <c>exec &lt;ssh&gt; &lt;host&gt; xl migrate-receive</c> and runs that through
/// <c>sh -c</c> unquoted (<c>tools/xl/xl_migrate.c</c>, <c>main_migrate</c>), so XenPS never passes free text
/// there: it builds both words itself from a validated address, port and user.
/// </summary>
public sealed class XenMigrationRoute
{
    private XenMigrationRoute(bool sameHost, IReadOnlyList<string> sshWords, string destination, string address)
    {
        SameHost = sameHost;
        SshWords = sshWords;
        Destination = destination;
        Address = address;
    }

    /// <summary>The destination is the source itself (xl's <c>-s '' dom 'xl migrate-receive'</c> form: no ssh).</summary>
    public bool SameHost { get; }

    /// <summary>The ssh command's words (<c>ssh</c>, <c>-p</c>, <c>2222</c>, <c>-l</c>, <c>root</c>); empty for the same-host form.</summary>
    public IReadOnlyList<string> SshWords { get; }

    /// <summary>xl's <c>-s</c> argument: <see cref="SshWords"/> joined by spaces (<c>""</c> for the same-host form).</summary>
    public string SshCommand => string.Join(' ', SshWords);

    /// <summary>xl's host word: the address, or <c>xl migrate-receive</c> for the same-host form.</summary>
    public string Destination { get; }

    /// <summary>The address the source reaches the destination at (for messages); <c>(this host)</c> for the same-host form.</summary>
    public string Address { get; }

    /// <summary>The request for <c>xl migrate</c>.</summary>
    public XenMigrationRequest Request(string? configPath, bool paused) =>
        new(Destination) { SshCommand = SshCommand, ConfigPath = configPath, Paused = paused };

    // RFC 1123 host names: labels of letters, digits and '-', not starting or ending with '-'.
    private static readonly Regex s_hostName = new(@"^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$", RegexOptions.CultureInvariant);

    // POSIX portable user names (useradd's default rule), never starting with '-'.
    private static readonly Regex s_user = new(@"^[A-Za-z_][A-Za-z0-9_.-]{0,31}$", RegexOptions.CultureInvariant);

    /// <summary>The route for xl's same-host form.</summary>
    public static XenMigrationRoute ToSameHost() => new(true, [], "xl migrate-receive", "(this host)");

    /// <summary>
    /// The route over ssh to <paramref name="address"/>. The address must be a host name or an IP address; the
    /// port 1-65535; the user a plain user name.
    /// </summary>
    /// <exception cref="XenOperationException"><c>InvalidDestinationAddress</c>, <c>InvalidDestinationPort</c>, <c>InvalidDestinationUser</c>.</exception>
    public static XenMigrationRoute OverSsh(string address, int? port, string? user)
    {
        if (!IsHostNameOrAddress(address))
        {
            throw new XenOperationException(
                "InvalidDestinationAddress", XenErrorCategory.InvalidArgument,
                $"'{address}' is not a host name or an IP address: xl runs the destination address through the source's shell, so XenPS takes only a host name (letters, digits, '-', '.') or an IP address.");
        }

        if (port is int p && (p < 1 || p > 65535))
        {
            throw new XenOperationException("InvalidDestinationPort", XenErrorCategory.InvalidArgument, $"Port {p} is not a TCP port (1-65535).");
        }

        if (user is not null && !s_user.IsMatch(user))
        {
            throw new XenOperationException(
                "InvalidDestinationUser", XenErrorCategory.InvalidArgument,
                $"'{user}' is not a user name XenPS passes to ssh (letters, digits, '_', '.', '-'; not starting with '-' or a digit; at most 32 characters).");
        }

        // -p and -l are understood by OpenSSH's ssh and by dropbear's dbclient (the harness's Dom0) alike.
        var words = new List<string> { "ssh" };
        if (port is int q)
        {
            words.AddRange(["-p", q.ToString(CultureInfo.InvariantCulture)]);
        }

        if (user is not null)
        {
            words.AddRange(["-l", user]);
        }

        return new XenMigrationRoute(false, words, address, address);
    }

    /// <summary>
    /// The route from <paramref name="source"/> to <paramref name="destination"/>: the same-host form when both are
    /// the same host and no address is given; else ssh at the address given, or at the destination connection's
    /// computer name (a simulated host: its name in the fabric), with its port and user unless overridden.
    /// </summary>
    public static XenMigrationRoute For(XenHostConnection source, XenHostConnection destination, string? address, int? port, string? user)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (address is null && port is null && user is null && IsSameHost(source, destination))
        {
            return ToSameHost();
        }

        string? where = address ?? destination.Transport switch
        {
            XenTransportKind.Ssh => destination.ComputerName,
            XenTransportKind.Simulated => destination.Toolstack.HostName,
            _ => null,
        };
        if (where is null)
        {
            throw new XenOperationException(
                "DestinationAddressRequired", XenErrorCategory.InvalidArgument,
                $"The destination '{destination.Name}' is a local connection: XenPS cannot tell at which address host '{source.Name}' reaches it. Give -DestinationAddress.");
        }

        return OverSsh(where, port ?? (address is null ? destination.Port : null), user ?? (address is null ? destination.User : null));
    }

    /// <summary>Whether two connections are the same host.</summary>
    public static bool IsSameHost(XenHostConnection a, XenHostConnection b) =>
        ReferenceEquals(a, b) ||
        (a.Transport == b.Transport && a.Transport switch
        {
            XenTransportKind.Local => true,
            XenTransportKind.Ssh => string.Equals(a.ComputerName, b.ComputerName, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port,
            _ => a.Toolstack.HostName == b.Toolstack.HostName && a.StatePath == b.StatePath,
        });

    /// <summary>Whether <paramref name="address"/> is a host name or an IP address (nothing a shell would read as more).</summary>
    public static bool IsHostNameOrAddress(string? address)
    {
        if (string.IsNullOrEmpty(address) || address.StartsWith('-'))
        {
            return false;
        }

        if (address.Contains(':', StringComparison.Ordinal))
        {
            return address.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.') && IPAddress.TryParse(address, out _);
        }

        return s_hostName.IsMatch(address);
    }
}
