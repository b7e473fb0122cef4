using XenPS.Operations;

namespace XenPS.Core.Tests.Operations;

public sealed class WildcardTests
{
    [Theory]
    [InlineData("web*", "web1", true)]
    [InlineData("web*", "WEB-02", true)]
    [InlineData("web*", "db1", false)]
    [InlineData("web?", "web1", true)]
    [InlineData("web?", "web12", false)]
    [InlineData("web[12]", "web2", true)]
    [InlineData("web[12]", "web3", false)]
    [InlineData("web[1-3]", "web3", true)]
    [InlineData("a.b", "a.b", true)]
    [InlineData("a.b", "axb", false)]
    [InlineData("x`*", "x*", true)]
    [InlineData("x`*", "xy", false)]
    [InlineData("(a)+", "(a)+", true)]
    public void Matches_like_PowerShell(string pattern, string text, bool expected) =>
        Assert.Equal(expected, XenWildcard.Create(pattern).IsMatch(text));

    [Theory]
    [InlineData("web1", false)]
    [InlineData("web*", true)]
    [InlineData("w?b", true)]
    [InlineData("web[1]", true)]
    [InlineData("web`*", false)]
    public void Knows_literal_from_pattern(string pattern, bool hasWildcards) =>
        Assert.Equal(hasWildcards, XenWildcard.Create(pattern).HasWildcards);

    [Fact]
    public void Escape_makes_a_literal()
    {
        string name = "odd*[name]?";
        var w = XenWildcard.Create(XenWildcard.Escape(name));
        Assert.False(w.HasWildcards);
        Assert.True(w.IsMatch(name));
        Assert.False(w.IsMatch("oddX[name]?"));
        Assert.Equal(name, w.Literal);
    }
}
