using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Rpc;

namespace XcpTunnel.Protocol.Tests.Xapi.Rpc;

public sealed class XapiResultReaderTests
{
    [Theory]
    [InlineData("\"9000000000\"", 9_000_000_000L)]
    [InlineData("9000000000", 9_000_000_000L)]
    [InlineData("\"-1\"", -1L)]
    public void GetXapiInt64_ReadsDigitStringsAndNumbers(string json, long expected)
    {
        Assert.Equal(expected, JsonNode.Parse(json).GetXapiInt64("memory"));
    }

    [Fact]
    public void GetXapiInt64_FromXmlRpcI4_ReadsNumber()
    {
        Assert.Equal(5L, JsonValue.Create(5L).GetXapiInt64("n"));
        Assert.Equal(5L, JsonValue.Create(5).GetXapiInt64("n"));
    }

    [Theory]
    [InlineData("\"12abc\"")]
    [InlineData("1.5")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("[]")]
    public void GetXapiInt64_NotAnInteger_ThrowsMalformedReply(string json)
    {
        var e = Assert.Throws<XapiTransportException>(() => JsonNode.Parse(json).GetXapiInt64("VM's memory_target"));

        Assert.Equal(XapiTransportFailure.MalformedReply, e.Failure);
        Assert.Contains("VM's memory_target", e.Message);
        Assert.Contains("an integer was expected", e.Message);
    }

    [Fact]
    public void GetXapiString_WrongShape_NamesTheValueButNotItsContent()
    {
        var e = Assert.Throws<XapiTransportException>(() =>
            new JsonArray(JsonValue.Create("OpaqueRef:secret")).GetXapiString("session.login_with_password's result"));

        Assert.Equal("XAPI sent session.login_with_password's result as an array where a string was expected", e.Message);
    }

    [Fact]
    public void GetXapiStringArray_NonStringElement_NamesItsIndex()
    {
        var e = Assert.Throws<XapiTransportException>(() => JsonNode.Parse("[\"a\", 1]").GetXapiStringArray("VM.get_consoles' result"));

        Assert.Contains("VM.get_consoles' result[1]", e.Message);
    }

    [Fact]
    public void GetXapiObjectAndMember_ReadRecords()
    {
        JsonObject record = JsonNode.Parse("""{"protocol":"rfb","location":"https://h/console?uuid=u"}""").GetXapiObject("console");

        Assert.Equal("rfb", record.GetXapiMember("protocol", "console record").GetXapiString("protocol"));
        var e = Assert.Throws<XapiTransportException>(() => record.GetXapiMember("uuid", "console record"));
        Assert.Equal("XAPI sent console record without its member uuid", e.Message);
    }

    [Fact]
    public void GetXapiBool_ReadsBooleansOnly()
    {
        Assert.True(JsonValue.Create(true).GetXapiBool("b"));
        Assert.Throws<XapiTransportException>(() => JsonValue.Create("true").GetXapiBool("b"));
        Assert.Throws<XapiTransportException>(() => ((JsonNode?)null).GetXapiObject("record"));
    }
}
