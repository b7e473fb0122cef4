namespace XenPS.Tests.Meta;

public sealed class Psd1ReaderTests
{
    [Fact]
    public void Reads_nested_hashtables_arrays_strings_and_booleans()
    {
        var h = Psd1Reader.ReadHashtable("""
            # comment
            @{
                A = 'x''y'; B = @('p', "q") # trailing
                C = 'one', 'two', 'three'
                D = @{ E = $true; F = 1.5 }
                <# block #> G = @()
            }
            """);
        Assert.Equal("x'y", h["A"]);
        Assert.Equal(["p", "q"], Psd1Reader.Strings(h["B"]));
        Assert.Equal(["one", "two", "three"], Psd1Reader.Strings(h["C"]));
        var d = (Dictionary<string, object?>)h["D"]!;
        Assert.Equal(true, d["E"]);
        Assert.Equal(1.5, d["F"]);
        Assert.Empty(Psd1Reader.Strings(h["G"]));
    }

    [Theory]
    [InlineData("@{ A = 'x' ")]
    [InlineData("@{ A = 'x }")]
    [InlineData("@{ A 'x' }")]
    [InlineData("@{ A = $env:HOME }")]
    [InlineData("@{ A = 1; A = 2 }")]
    [InlineData("@{ A = \"$(Get-Date)\" }")]
    public void Refuses_what_a_data_file_cannot_hold(string text) => Assert.Throws<FormatException>(() => Psd1Reader.ReadHashtable(text));
}
