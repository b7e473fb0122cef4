namespace XenPS.Operations;

/// <summary>The sentences ShouldProcess shows (<c>-WhatIf</c>, <c>-Confirm</c>): the target and the action, one place for every cmdlet.</summary>
public static class ActionText
{
    /// <summary>The ShouldProcess target for a domain: <c>Domain 'web1' on host 'dom0-a'</c>.</summary>
    public static string DomainTarget(string domain, string host) => $"Domain '{domain}' on host '{host}'";

    /// <summary>A full sentence for a domain action, e.g. <c>Shut down domain 'web1' on host 'dom0-a'.</c>.</summary>
    public static string ForDomain(string verbPhrase, string domain, string host) => $"{verbPhrase} domain '{domain}' on host '{host}'.";

    /// <summary>The verb phrase of each lifecycle action.</summary>
    public static string Phrase(DomainAction action, bool force = false) => action switch
    {
        DomainAction.Start => "Start",
        DomainAction.Stop => force ? "Destroy (force off)" : "Shut down",
        DomainAction.Restart => force ? "Destroy and start again" : "Reboot",
        DomainAction.Suspend => "Pause",
        DomainAction.Resume => "Unpause",
        DomainAction.Save => "Save",
        DomainAction.Remove => force ? "Destroy and remove (config file and autostart link)" : "Remove (config file and autostart link)",
        DomainAction.Rename => "Rename",
        DomainAction.Set => "Change",
        DomainAction.Create => "Create",
        _ => action.ToString(),
    };
}

/// <summary>The lifecycle actions.</summary>
public enum DomainAction
{
    /// <summary>Start.</summary>
    Start,

    /// <summary>Stop.</summary>
    Stop,

    /// <summary>Restart.</summary>
    Restart,

    /// <summary>Pause.</summary>
    Suspend,

    /// <summary>Unpause.</summary>
    Resume,

    /// <summary>Save.</summary>
    Save,

    /// <summary>Remove.</summary>
    Remove,

    /// <summary>Rename.</summary>
    Rename,

    /// <summary>Change settings.</summary>
    Set,

    /// <summary>Create.</summary>
    Create,
}
