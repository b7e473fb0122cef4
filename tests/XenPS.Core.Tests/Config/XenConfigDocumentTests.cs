using XenPS.Config;

namespace XenPS.Core.Tests.Config;

public sealed class XenConfigDocumentTests
{
    public static TheoryData<string> Good => ConfigFixtures.Data(ConfigFixtures.GoodCfg());

    public static TheoryData<string> All => ConfigFixtures.Data(ConfigFixtures.AllCfg());

    [Fact]
    public void FixturesArePresent()
    {
        Assert.True(ConfigFixtures.GoodCfg().Count() >= 11);
        Assert.Equal(4, ConfigFixtures.BadCfg().Count());
    }

    [Theory]
    [MemberData(nameof(Good))]
    public void EveryGoodFixtureParsesAndRoundTripsByteForByte(string name)
    {
        var bytes = ConfigFixtures.ReadBytes(name);
        var doc = XenConfigDocument.Load(bytes, name);
        Assert.Equal(bytes, doc.ToBytes());
        var text = ConfigFixtures.Read(name);
        Assert.Equal(text, XenConfigDocument.Parse(text, name).ToString());
        Assert.NotEmpty(doc.Keys);
        Assert.Contains("name", doc.Keys);
    }

    [Fact]
    public void BytesThatAreNotUtf8RoundTripAndEditKeepsThem()
    {
        byte[] bytes = [.. "name = '"u8, 0xE9, 0xFF, .. "'\nmemory = 1\n"u8];
        var c = XenDomainConfig.Load(bytes, "latin.cfg");
        Assert.Equal(bytes, c.ToConfigBytes());
        c.MemoryMB = 2;
        byte[] expected = [.. "name = '"u8, 0xE9, 0xFF, .. "'\nmemory = 2\n"u8];
        Assert.Equal(expected, c.ToConfigBytes());
    }

    [Fact]
    public void Utf8BomIsRefusedAsXlDoes()
    {
        var ex = Assert.Throws<XenConfigException>(() => XenConfigDocument.Load([0xEF, 0xBB, 0xBF, .. "name = 'a'\n"u8]));
        Assert.Equal((1, 1), (ex.Line, ex.Column));
    }

    [Theory]
    [InlineData("busybox-001-value-on-next-line.bad.cfg", 3, 6, "<newline>")]
    [InlineData("winxp-001-missing-comma.bad.cfg", 8, 48, "expecting ',' or ']'")]
    [InlineData("grammar-error-python.bad.cfg", 3, 14, "`*'")]
    [InlineData("grammar-error-unterminated.bad.cfg", 1, 8, "\"unterminated")]
    public void BadFixturesFailAtTheTruePosition(string name, int line, int column, string fragment)
    {
        var ex = Assert.Throws<XenConfigException>(() => XenConfigDocument.Parse(ConfigFixtures.Read(name), name));
        Assert.Equal(name, ex.FileName);
        Assert.Equal(line, ex.Line);
        Assert.Equal(column, ex.Column);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void XlReportsTheMissingValueOneLineEarlierThanTheTruth()
    {
        // xl says ":2:" (it counts the NEWLINE token's line after yylineno moved on); the value is missing on line 3.
        Assert.Contains(".cfg:2: config parsing error near <newline>", ConfigFixtures.DryRunStderr("busybox-001-value-on-next-line.bad.cfg"), StringComparison.Ordinal);
        var ex = Assert.Throws<XenConfigException>(() => XenConfigDocument.Parse(ConfigFixtures.Read("busybox-001-value-on-next-line.bad.cfg")));
        Assert.Equal(3, ex.Line);
        Assert.Contains("expecting a value", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GrammarCornersReadAsXlReadsThem()
    {
        var doc = XenConfigDocument.Parse(ConfigFixtures.Read("grammar-corners.cfg"));
        Assert.Equal("corners", doc.Get("name")!.AsString());
        Assert.Equal("pv", doc.Get("type")!.AsString());
        Assert.Equal(128, doc.Get("memory")!.AsInt64());
        Assert.Equal("0x80", doc.Get("memory")!.Text);
        Assert.Equal(256, doc.Get("maxmem")!.AsInt64());
        Assert.Equal("console=hvc0 quote=\"x\" backslash=\\ tab=\t appended=1", doc.Get("extra")!.AsString());
        Assert.Equal(["0", "1"], doc.Get("cpus")!.AsStringList());
        Assert.Equal(2, doc.Get("disk")!.Items.Count);
        Assert.Equal("preserve", doc.Get("on_crash")!.AsString());
    }

    [Theory]
    [InlineData("a = 1\na = 2\n", "2")]
    [InlineData("a = 'x'\na += 'y'\n", "xy")]
    [InlineData("a += 'y'\n", "y")]
    [InlineData("a = [ 1 ]\na += [ 2, 3 ]\n", "[ 1, 2, 3 ]")]
    public void LastAssignmentWinsAndPlusEqualsAppends(string text, string expected)
    {
        var v = XenConfigDocument.Parse(text).Get("a")!;
        Assert.Equal(expected, v.Kind == XenConfigValueKind.List ? v.ToString() : v.AsString());
    }

    [Fact]
    public void PlusEqualsOfANumberIsNotANumberForXl()
    {
        var v = XenConfigDocument.Parse("memory = 1\nmemory += 2\n").Get("memory")!;
        Assert.Equal("12", v.AsString());
        Assert.Null(v.AsInt64());
    }

    [Fact]
    public void PlusEqualsMixingListAndStringFails()
    {
        var ex = Assert.Throws<XenConfigException>(() => XenConfigDocument.Parse("a = 'x'\na += [ 'y' ]\n"));
        Assert.Equal(2, ex.Line);
        Assert.Equal(6, ex.Column);
        Assert.Contains("can't add [list] to \"string\"", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a = [\n 1,\n [ 2, 'x' ],\n # c\n]\n", 2)]
    [InlineData("a = [ ]\n", 0)]
    [InlineData("a = [ 1, ]", 1)]
    [InlineData("a = [\n]\n", 0)]
    public void ListsAllowNewlinesCommentsNestingAndATrailingComma(string text, int count)
    {
        Assert.Equal(count, XenConfigDocument.Parse(text).Get("a")!.Items.Count);
    }

    [Theory]
    [InlineData("a = [ , ]\n", 1, 7)]
    [InlineData("a = 1 2\n", 1, 7)]
    [InlineData("A = 1\n", 1, 1)]
    [InlineData("a = 1\r\n", 1, 6)]
    [InlineData("a = 1 # no newline at the end", 1, 7)]
    [InlineData("a = [ 1\n", 2, 1)]
    [InlineData("a = \"\\x41\"\n", 1, 6)]
    [InlineData("a = \"\\q\"\n", 1, 6)]
    [InlineData("a = \"x\\\ny\"\n", 1, 5)]
    [InlineData("= 1\n", 1, 1)]
    [InlineData("a 1\n", 1, 3)]
    [InlineData("a = 1 +\n", 1, 7)]
    [InlineData("a = -1\n", 1, 5)]
    [InlineData("a = pv\n", 1, 5)]
    public void SyntaxErrorsCarryTheTruePosition(string text, int line, int column)
    {
        var ex = Assert.Throws<XenConfigException>(() => XenConfigDocument.Parse(text, "t.cfg"));
        Assert.Equal((line, column), (ex.Line, ex.Column));
        Assert.Equal("t.cfg", ex.FileName);
    }

    [Theory]
    [InlineData("a = 'x'", "x")]
    [InlineData("a = 'x';", "x")]
    [InlineData(";;\n\n a\t=\t'x' ; b = 1", "x")]
    [InlineData("a = \"\\a\\b\\f\\n\\r\\t\\v\\\\\\'\\\"\"", "\a\b\f\n\r\t\v\\'\"")]
    [InlineData("a = 'p\\012q'", "pq")]
    [InlineData("a = '\\0 1z'", "z")]
    public void AcceptsWhatXlAccepts(string text, string expected)
    {
        Assert.Equal(expected, XenConfigDocument.Parse(text).Get("a")!.AsString());
    }

    [Theory]
    [InlineData("0x80", 128L)]
    [InlineData("0400", 256L)]
    [InlineData("256", 256L)]
    [InlineData("08", null)]
    [InlineData("12abc", null)]
    [InlineData("0x", null)]
    public void NumbersReadLikeStrtol(string token, long? expected)
    {
        var v = XenConfigDocument.Parse($"m = {token}\n").Get("m")!;
        Assert.Equal(XenConfigValueKind.Number, v.Kind);
        Assert.Equal(token, v.Text);
        Assert.Equal(expected, v.AsInt64());
    }
}
