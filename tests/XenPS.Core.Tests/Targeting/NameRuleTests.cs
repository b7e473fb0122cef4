using XenPS.Config;

namespace XenPS.Core.Tests.Targeting;

public sealed class NameRuleTests
{
    [Theory]
    [InlineData("web1")]
    [InlineData("db-01.prod_a")]
    [InlineData("a1")]
    [InlineData("x.")]
    public void Names_made_of_the_allowed_characters_are_accepted(string name) => Assert.Null(XenConfigNames.CheckNewDomainName(name));

    [Theory]
    [InlineData("two words", "contains ' '")]
    [InlineData("a;b", "contains ';'")]
    [InlineData("x$(whoami)", "contains '$'")]
    [InlineData("a\"b", "contains '\"'")]
    [InlineData("a=b", "contains '='")]
    [InlineData("web*", "contains '*'")]
    [InlineData("web[1]", "contains '['")]
    [InlineData("né", "contains 'é'")]
    [InlineData("-rf", "starts with '-'")]
    [InlineData("-a", "starts with '-'")]
    [InlineData("123", "all digits")]
    [InlineData("Domain-0", "Domain-0")]
    [InlineData("domain-0", "Domain-0")]
    [InlineData("", "empty")]
    public void Other_names_are_refused_with_the_rule_named(string name, string why)
    {
        string? message = XenConfigNames.CheckNewDomainName(name);
        Assert.NotNull(message);
        Assert.Contains(why, message, StringComparison.Ordinal);
        Assert.Contains(XenConfigNames.NewDomainNameRule, message, StringComparison.Ordinal);
        var ex = Assert.Throws<XenOperationException>(() => XenConfigNames.ValidateNewDomainName(name));
        Assert.Equal("InvalidDomainName", ex.ErrorId);
    }
}
