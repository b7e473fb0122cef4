using System.Management.Automation;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// The base of the cmdlets that change a domain's devices: the domain by <c>-Name</c>/<c>-Id</c>/<c>-Uuid</c>/a piped
/// <c>XenDomain</c> (as every domain verb), or a piped device (<typeparamref name="TDevice"/>), which is that device of
/// exactly its own domain on its own host, never looked up again by name. Targets the run would refuse (Domain-0, an Off
/// domain without <c>-Persist</c>) are reported as errors before <c>-WhatIf</c>/<c>-Confirm</c>.
/// </summary>
/// <typeparam name="TDevice">XenDisk or XenNetworkAdapter.</typeparam>
public abstract class XenDeviceCmdlet<TDevice> : XenDomainWorkCmdlet
    where TDevice : class
{
    private readonly Dictionary<DomainTarget, TDevice> _piped = new(ReferenceEqualityComparer.Instance);
    private DeviceOperations? _devices;

    /// <summary>The device operations, logging to this cmdlet's streams.</summary>
    protected DeviceOperations Devices => _devices ??= new DeviceOperations(LoggerFactory);

    /// <summary>The devices of this record when they came by value (their parameter set); null otherwise.</summary>
    protected virtual IReadOnlyList<TDevice>? PipedDevices => null;

    /// <summary>Whether the config file is changed too (<c>-Persist</c>).</summary>
    protected virtual bool PersistChange => false;

    /// <summary>What the cmdlet does, for refusals: "attach a disk to".</summary>
    protected abstract string RefusalPhrase { get; }

    /// <summary>The device that named <paramref name="target"/>, when it came by value.</summary>
    protected TDevice? PipedDeviceOf(DomainTarget target) => _piped.GetValueOrDefault(target);

    /// <summary>The target a device names (its domain as listed, on its host; <paramref name="fallback"/> only for a device from no host).</summary>
    protected abstract DomainTarget TargetOf(TDevice device, Func<XenHostConnection> fallback);

    /// <inheritdoc />
    protected override IReadOnlyList<DomainTarget> ResolveTargets()
    {
        IReadOnlyList<DomainTarget> targets;
        if (PipedDevices is { } devices)
        {
            IReadOnlyList<XenHostConnection>? hosts = null;
            var list = new List<DomainTarget>();
            foreach (TDevice device in devices)
            {
                DomainTarget t = TargetOf(device, () => (hosts ??= ResolveHosts())[0]);
                _piped[t] = device;
                list.Add(t);
            }

            targets = list;
        }
        else
        {
            targets = base.ResolveTargets();
        }

        var accepted = new List<DomainTarget>(targets.Count);
        foreach (DomainTarget t in targets)
        {
            try
            {
                DeviceOperations.Check(t, PersistChange, RefusalPhrase);
                accepted.Add(t);
            }
            catch (XenOperationException ex)
            {
                WriteXenError(ex, t.Domain);
            }
        }

        return accepted;
    }
}

/// <summary>The base of Get-XenDisk and Get-XenNetworkAdapter: each domain's devices, one error per domain that fails.</summary>
public abstract class XenDeviceListCmdlet : XenDomainCmdlet
{
    private DeviceOperations? _devices;

    /// <summary>The device operations, logging to this cmdlet's streams.</summary>
    protected DeviceOperations Devices => _devices ??= new DeviceOperations(LoggerFactory);

    /// <summary>Reads one domain's devices.</summary>
    protected abstract Task<System.Collections.IEnumerable> ListAsync(DomainTarget target, CancellationToken cancellationToken);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (DomainTarget t in ResolveTargets())
        {
            System.Collections.IEnumerable devices;
            try
            {
                devices = Run(ct => ListAsync(t, ct));
            }
            catch (Exception ex) when (ex is not PipelineStoppedException && !(ex is OperationCanceledException && CancellationToken.IsCancellationRequested))
            {
                WriteXenError(ex, t.Domain);
                continue;
            }

            WriteObject(devices, enumerateCollection: true);
        }
    }
}
