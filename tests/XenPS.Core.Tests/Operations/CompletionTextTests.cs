using XenPS.Operations;

namespace XenPS.Core.Tests.Operations;

public sealed class CompletionTextTests
{
    private static readonly string[] Names = ["web1", "web2", "Web 3", "db1", "it's", "Domain-0"];

    [Fact]
    public void Prefix_completes_case_insensitively_sorted_and_quoted_when_needed()
    {
        var r = CompletionText.Complete(Names, "we");
        Assert.Equal(["'Web 3'", "web1", "web2"], r.Select(c => c.CompletionText));
        Assert.Equal(["Web 3", "web1", "web2"], r.Select(c => c.ListItemText));
    }

    [Fact]
    public void Wildcards_and_quotes_typed_by_the_user_are_honoured()
    {
        Assert.Equal(["db1", "web1"], CompletionText.Complete(Names, "*1").Select(c => c.ListItemText));
        Assert.Equal(["'it''s'"], CompletionText.Complete(Names, "'it").Select(c => c.CompletionText));
        Assert.Equal(6, CompletionText.Complete(Names, string.Empty).Count);
    }

    [Theory]
    [InlineData("web1", "web1")]
    [InlineData("-rf", "'-rf'")]
    [InlineData("a b", "'a b'")]
    [InlineData("$(x)", "'$(x)'")]
    [InlineData("a;b", "'a;b'")]
    public void Quote_makes_safe_command_line_words(string value, string expected) => Assert.Equal(expected, CompletionText.Quote(value));
}
