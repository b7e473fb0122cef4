namespace XenPS.Core.Tests.Transport;

/// <summary>One sshd shared by the tests of a class (which xunit runs one after another).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SshdFixture : IAsyncLifetime
{
    internal string SshdPath { get; private set; } = string.Empty;

    internal SshdServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        SshdPath = await SshdServer.EnsureSshdAsync();
        Server = await SshdServer.StartAsync(SshdPath);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
