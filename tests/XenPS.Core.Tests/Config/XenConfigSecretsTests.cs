using XenPS.Config;

namespace XenPS.Core.Tests.Config;

public sealed class XenConfigSecretsTests
{
    [Theory]
    [InlineData("name = \"a\"\nvncpasswd = \"x\"\n", true)]
    [InlineData("name = \"a\"\nspicepasswd = \"x\"\n", true)]
    [InlineData("name = \"a\"\nvfb = [ 'vnc=1,vncpasswd=x' ]\n", true)]
    [InlineData("name = \"a\"\nvfb = [ 'vnc=1, vncpasswd = x' ]\n", true)]
    [InlineData("name = \"a\"\nvfb = [ 'vnc=1' ]\nmemory = 512\n", false)]
    [InlineData("name = \"a\"\n# the vnc password is set elsewhere\n", false)]
    [InlineData("name = \"passwd\"\n", false)]
    [InlineData("this does not parse = = passwd", true)]
    [InlineData("this does not parse = =", false)]
    public void A_config_with_a_password_is_private(string text, bool holds)
    {
        Assert.Equal(holds, XenConfigSecrets.HoldsPassword(text));
        Assert.Equal(holds ? "600" : "644", XenConfigSecrets.NewFileMode(text));
    }
}
