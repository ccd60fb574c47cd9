using System.Text;
using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Rpc;

namespace XcpTunnel.Protocol.Tests.Xapi.Rpc;

/// <summary>Replies read as they stream in, cut to a result shape: the same answers as a buffered parse, whatever the pieces.</summary>
public sealed class StreamedReplyTests
{
    private const string Host = "https://xapi.test";

    private static readonly XapiResultShape VmFields = XapiResultShape.Map(XapiResultShape.Record("uuid", "consoles"));

    private const string Reply =
        """{"jsonrpc":"2.0","result":{"OpaqueRef:a":{"uuid":"u1","name_label":"big \"one\"","consoles":["OpaqueRef:c1","OpaqueRef:c2"],"platform":{"vga":"std","x":[1,2,{"y":null}]},"memory":2147483648},"OpaqueRef:b":{"consoles":[],"uuid":"u2","last_booted_record":"('struct' …)","pi":3.5,"ok":true}},"id":7}""";

    [Fact]
    public async Task Json_SplitAtEveryPoint_KeepsOnlyTheShapedFields()
    {
        var bytes = Encoding.UTF8.GetBytes(Reply);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var envelope = await JsonRpcStreamReader.ReadAsync(
                new ChunkedStream(bytes[..split], bytes[split..]), VmFields, Host, CancellationToken.None).Bounded();
            var result = JsonRpcCodec.Interpret(envelope, 7, Host);

            Assert.Equal(
                """{"OpaqueRef:a":{"uuid":"u1","consoles":["OpaqueRef:c1","OpaqueRef:c2"]},"OpaqueRef:b":{"consoles":[],"uuid":"u2"}}""",
                result!.ToJsonString());
        }
    }

    [Fact]
    public async Task Json_ValueLargerThanTheBuffer_ReadWhole()
    {
        var big = new string('x', 300_000);
        var bytes = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","result":{"r":{"uuid":"BIG","consoles":[]}},"id":1}""".Replace("BIG", big, StringComparison.Ordinal));

        var result = JsonRpcCodec.Interpret(
            await JsonRpcStreamReader.ReadAsync(new ChunkedStream(bytes.Chunk(4096).Select(c => (ReadOnlyMemory<byte>)c)), VmFields, Host, CancellationToken.None), 1, Host);

        Assert.Equal(big, result!["r"]!["uuid"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","result":{"a":{"uuid":"u"}},"id":1""", "not valid JSON")]
    [InlineData("""{"jsonrpc":"2.0","result":{},"id":1} {}""", "not valid JSON")]
    [InlineData("""{"jsonrpc":"2.0","result":{"a":{"uuid":"u","uuid":"v"}},"id":1}""", "two members with the same name")]
    [InlineData("""[1,2]""", "not a JSON object")]
    public async Task Json_Malformed_SaysWhatIsWrongWithoutQuotingIt(string reply, string expected)
    {
        var error = await Assert.ThrowsAsync<XapiTransportException>(() =>
            JsonRpcStreamReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(reply)), VmFields, Host, CancellationToken.None));

        Assert.Equal(XapiTransportFailure.MalformedReply, error.Failure);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_BodyPastItsBound_RefusedWithTheBoundsException()
    {
        var bytes = Encoding.UTF8.GetBytes(Reply);
        var tooLarge = new XapiTransportException(XapiTransportFailure.MalformedReply, "larger than 100 bytes");

        var error = await Assert.ThrowsAsync<XapiTransportException>(() =>
            JsonRpcStreamReader.ReadAsync(new BoundedReadStream(new MemoryStream(bytes), 100, () => tooLarge), VmFields, Host, CancellationToken.None));

        Assert.Same(tooLarge, error);
    }

    [Fact]
    public void Xml_Shaped_SkipsWhatTheShapeDoesNotName()
    {
        const string reply =
            "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>" +
            "<member><name>Status</name><value>Success</value></member>" +
            "<member><name>Value</name><value><struct><member><name>OpaqueRef:a</name><value><struct>" +
            "<member><name>uuid</name><value>u1</value></member>" +
            "<member><name>platform</name><value><struct><member><name>vga</name><value>std</value></member></struct></value></member>" +
            "<member><name>consoles</name><value><array><data><value>OpaqueRef:c1</value></data></array></value></member>" +
            "</struct></value></member></struct></value></member>" +
            "</struct></value></param></params></methodResponse>";

        var result = XmlRpcCodec.ParseReply(new MemoryStream(Encoding.UTF8.GetBytes(reply)), Host, VmFields);

        Assert.Equal("""{"OpaqueRef:a":{"uuid":"u1","consoles":["OpaqueRef:c1"]}}""", result!.ToJsonString());
    }
}
