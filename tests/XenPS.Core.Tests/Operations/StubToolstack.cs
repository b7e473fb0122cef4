using System.Reflection;
using XenPS.Toolstack;

namespace XenPS.Core.Tests.Operations;

/// <summary>A toolstack whose every method throws, except the properties; enough to make connections for pure tests.</summary>
public class StubToolstack : DispatchProxy
{
    private string _host = "h";
    private XenHostConnection? _connection;

    public static IXenToolstack Create(string host)
    {
        IXenToolstack t = Create<IXenToolstack, StubToolstack>();
        ((StubToolstack)(object)t)._host = host;
        return t;
    }

    public static XenHostConnection Connection(string host) => new(host, XenTransportKind.Simulated, Create(host));

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
    {
        "get_HostName" => _host,
        "get_ConfigDirectory" => "/etc/xen",
        "get_Connection" => _connection,
        "set_Connection" => _connection = (XenHostConnection?)args![0],
        _ => throw new NotSupportedException(targetMethod?.Name),
    };
}
