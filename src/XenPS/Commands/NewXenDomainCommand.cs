using System.Management.Automation;
using XenPS.Config;
using XenPS.Operations;

namespace XenPS.Commands;

/// <summary>
/// <para type="synopsis">Creates a Xen domain: writes its config file on the host (atomically) and, with -Start, starts it.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "XenDomain", DefaultParameterSetName = ByParameters, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(XenDomain))]
public sealed class NewXenDomainCommand : XenHostCmdlet
{
    private const string ByParameters = "Parameters";
    private const string ByConfigPath = "ConfigPath";
    private const string ByConfig = "Config";

    /// <summary>The domain's name: letters (a-z, A-Z), digits, '-', '_' and '.' only; not starting with '-'; not all digits; not 'Domain-0'. Anything else is refused (InvalidDomainName) before anything is written.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByParameters)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>Memory in MiB.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByParameters)]
    [ValidateRange(1, int.MaxValue)]
    public int MemoryMB { get; set; }

    /// <summary>Maximum memory in MiB (memory can be raised up to it while running).</summary>
    [Parameter(ParameterSetName = ByParameters)]
    [ValidateRange(1, int.MaxValue)]
    public int? MaxMemoryMB { get; set; }

    /// <summary>vCPUs (default 1).</summary>
    [Parameter(ParameterSetName = ByParameters)]
    [ValidateRange(1, 4096)]
    public int? VCpu { get; set; }

    /// <summary>Maximum vCPUs (vCPUs can be added up to it while running).</summary>
    [Parameter(ParameterSetName = ByParameters)]
    [ValidateRange(1, 4096)]
    public int? MaxVCpu { get; set; }

    /// <summary>The guest type: Pv, Pvh or Hvm. Default: Pv when -Kernel or -Bootloader is given (xl's default), else Hvm.</summary>
    [Parameter(ParameterSetName = ByParameters)]
    public XenDomainType? Type { get; set; }

    /// <summary>The kernel, a path on the Xen host.</summary>
    [Parameter(ParameterSetName = ByParameters)]
    [ValidateNotNullOrEmpty]
    public string? Kernel { get; set; }

    /// <summary>The initial ramdisk, a path on the Xen host.</summary>
    [Parameter(ParameterSetName = ByParameters)]
    [ValidateNotNullOrEmpty]
    public string? Ramdisk { get; set; }

    /// <summary>The kernel command line (xl.cfg 'cmdline').</summary>
    [Parameter(ParameterSetName = ByParameters)]
    public string? KernelArgs { get; set; }

    /// <summary>A bootloader on the host, e.g. pygrub.</summary>
    [Parameter(ParameterSetName = ByParameters)]
    [ValidateNotNullOrEmpty]
    public string? Bootloader { get; set; }

    /// <summary>Disks as xl disk specs, e.g. 'format=raw,vdev=xvda,access=rw,target=/srv/a.img'.</summary>
    [Parameter(ParameterSetName = ByParameters)]
    [ValidateNotNull]
    public string[] Disk { get; set; } = [];

    /// <summary>Network interfaces as xl vif specs, e.g. 'bridge=xenbr0' or 'mac=00:16:3e:00:00:01,bridge=xenbr0'.</summary>
    [Parameter(ParameterSetName = ByParameters)]
    [ValidateNotNull]
    public string[] Network { get; set; } = [];

    /// <summary>An existing xl.cfg file on the Xen host; it is copied to &lt;config dir&gt;/&lt;name&gt;.cfg.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByConfigPath)]
    [ValidateNotNullOrEmpty]
    public string ConfigPath { get; set; } = string.Empty;

    /// <summary>A config object (from ConvertFrom-XenConfig or Get-XenDomainConfig).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByConfig)]
    [ValidateNotNull]
    public XenDomainConfig? Config { get; set; }

    /// <summary>Start the domain once its config file is written.</summary>
    [Parameter]
    public SwitchParameter Start { get; set; }

    /// <summary>With -Start: start it paused.</summary>
    [Parameter]
    public SwitchParameter Paused { get; set; }

    /// <summary>Overwrite an existing config file of the same name. Does not suppress confirmation.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (Paused && !Start)
        {
            ThrowXenError(new XenOperationException("PausedWithoutStart", XenErrorCategory.InvalidArgument, "-Paused applies to -Start: add -Start, or leave -Paused out."), null);
        }

        foreach (XenHostConnection host in ResolveHosts())
        {
            XenDomainConfig config;
            try
            {
                config = ParameterSetName switch
                {
                    ByConfig => Config!,
                    ByConfigPath => Run(async ct => XenDomainConfig.Parse(await host.Toolstack.ReadFileAsync(ConfigPath, ct).ConfigureAwait(false), ConfigPath)),
                    _ => DomainConfigOperations.BuildConfig(new NewDomainSpec
                    {
                        Name = Name,
                        MemoryMB = MemoryMB,
                        MaxMemoryMB = MaxMemoryMB,
                        VCpu = VCpu,
                        MaxVCpu = MaxVCpu,
                        Type = Type,
                        Kernel = Kernel,
                        Ramdisk = Ramdisk,
                        KernelArgs = KernelArgs,
                        Bootloader = Bootloader,
                        Disks = Disk,
                        Networks = Network,
                    }),
                };
            }
            catch (Exception ex) when (ex is XenConfigException or ArgumentException or XenOperationException { ErrorId: "InvalidDomainName" })
            {
                // Bad input to the cmdlet itself: nothing can be created from it.
                ThrowXenError(ex, Name);
                return;
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteXenError(ex, ConfigPath);
                continue;
            }

            if (XenConfigNames.CheckNewDomainName(config.Name) is string why)
            {
                // Refused before anything is written, and before -WhatIf could promise it.
                ThrowXenError(new XenOperationException("InvalidDomainName", XenErrorCategory.InvalidArgument, why), config.Name);
                return;
            }

            string name = config.Name ?? "(no name)";
            string path = DomainConfigOperations.ConfigPathFor(host.ConfigDirectory, name);
            string sentence = $"Create domain '{name}' on host '{host.Name}': write '{path}'{(Force ? " (overwriting it if present)" : string.Empty)}{(Start ? (Paused ? " and start it paused" : " and start it") : string.Empty)}.";
            if (!ShouldProcess(sentence, sentence.TrimEnd('.') + "?", "Confirm"))
            {
                continue;
            }

            try
            {
                WriteObject(Run(ct => ConfigOperations.NewAsync(host, config, Force, Start, Paused, ct)));
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteXenError(ex, name);
            }
        }
    }
}
