using System.Text;
using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Rpc;

namespace XcpTunnel.Protocol.Tests.Xapi.Rpc;

public sealed class JsonRpcCodecTests
{
    private const string Host = "https://xapi.test";

    private static JsonNode? Parse(string reply, long id = 7) => ParseReply(Encoding.UTF8.GetBytes(reply), id);

    // The client's path for a reply kept whole. A MemoryStream completes every read at once, so this never blocks.
    internal static JsonNode? ParseReply(byte[] body, long id) =>
        JsonRpcCodec.Interpret(
            JsonRpcStreamReader.ReadAsync(new MemoryStream(body), XapiResultShape.All, Host, CancellationToken.None).GetAwaiter().GetResult(), id, Host);

    private static XapiTransportException Malformed(string reply, long id = 7)
    {
        var e = Assert.Throws<XapiTransportException>(() => Parse(reply, id));
        Assert.Equal(XapiTransportFailure.MalformedReply, e.Failure);
        Assert.Contains(Host, e.Message);
        return e;
    }

    [Fact]
    public void WriteRequest_WritesVersion2RequestByteExact()
    {
        byte[] request = JsonRpcCodec.WriteRequest(
            "session.login_with_password",
            [JsonValue.Create("root"), JsonValue.Create("pw"), JsonValue.Create("1.0"), JsonValue.Create("xcptunnel")],
            1);

        Assert.Equal(
            """{"jsonrpc":"2.0","method":"session.login_with_password","params":["root","pw","1.0","xcptunnel"],"id":1}""",
            Encoding.UTF8.GetString(request));
    }

    [Fact]
    public void WriteRequest_WritesNestedValuesNumbersBoolsAndNull()
    {
        JsonNode?[] parameters =
        [
            new JsonArray(JsonValue.Create("VM"), JsonValue.Create("console")),
            new JsonObject { ["k"] = JsonValue.Create(true) },
            JsonValue.Create(30.5),
            JsonValue.Create(9_000_000_000L),
            null,
        ];

        Assert.Equal(
            """{"jsonrpc":"2.0","method":"event.from","params":[["VM","console"],{"k":true},30.5,9000000000,null],"id":42}""",
            Encoding.UTF8.GetString(JsonRpcCodec.WriteRequest("event.from", parameters, 42)));
    }

    [Fact]
    public void ParseReply_V1Success_ReturnsStringResult()
    {
        JsonNode? result = Parse("""{"result": "OpaqueRef:8b2e", "error": null, "id": 7}""");

        Assert.Equal("OpaqueRef:8b2e", result!.GetValue<string>());
    }

    [Fact]
    public void ParseReply_V2Success_ReturnsArrayResult()
    {
        JsonNode? result = Parse("""{"jsonrpc": "2.0", "result": ["OpaqueRef:a", "OpaqueRef:b"], "id": 7}""");

        Assert.Equal(["OpaqueRef:a", "OpaqueRef:b"], result.GetXapiStringArray("refs"));
    }

    [Fact]
    public void ParseReply_V2Success_ReturnsStructWithNestedValues()
    {
        JsonNode? result = Parse("""
            {"jsonrpc":"2.0","result":{"name_label":"web \"01\"","memory_static_max":"4294967296","VCPUs_max":9000000000,
             "is_a_template":false,"ratio":0.5,"other_config":{"k":"v"},"consoles":[],"affinity":null},"id":7}
            """);

        JsonObject record = result.GetXapiObject("record");
        Assert.Equal("web \"01\"", record["name_label"].GetXapiString("name_label"));
        Assert.Equal(4294967296L, record["memory_static_max"].GetXapiInt64("memory_static_max"));
        Assert.Equal(9000000000L, record["VCPUs_max"].GetXapiInt64("VCPUs_max"));
        Assert.False(record["is_a_template"].GetXapiBool("is_a_template"));
        Assert.Equal(0.5, record["ratio"]!.GetValue<double>());
        Assert.Equal("v", record["other_config"]!["k"]!.GetValue<string>());
        Assert.Empty(record["consoles"].GetXapiStringArray("consoles"));
        Assert.Null(record.GetXapiMember("affinity", "record"));
    }

    [Fact]
    public void ParseReply_V1NullResult_ReturnsNull()
    {
        Assert.Null(Parse("""{"result": null, "error": null, "id": 7}"""));
    }

    [Fact]
    public void ParseReply_V1Failure_ThrowsFailureWithRedactedSessionRef()
    {
        var e = Assert.Throws<XapiFailureException>(() =>
            Parse("""{"result": null, "error": ["SESSION_INVALID", "OpaqueRef:secret-session"], "id": 7}"""));

        Assert.Equal(XapiErrorCodes.SessionInvalid, e.ErrorCode);
        Assert.Equal(["<redacted>"], e.Parameters);
        Assert.DoesNotContain("secret-session", e.Message);
    }

    [Fact]
    public void ParseReply_V1HostIsSlave_ThrowsFailureWithCoordinatorAddress()
    {
        var e = Assert.Throws<XapiFailureException>(() =>
            Parse("""{"result":null,"error":["HOST_IS_SLAVE","10.0.0.1"],"id":7}"""));

        Assert.Equal(XapiErrorCodes.HostIsSlave, e.ErrorCode);
        Assert.Equal(["10.0.0.1"], e.Parameters);
    }

    [Fact]
    public void ParseReply_V2HostIsSlave_ThrowsFailureWithCoordinatorAddress()
    {
        var e = Assert.Throws<XapiFailureException>(() =>
            Parse("""{"jsonrpc":"2.0","error":{"code":1,"message":"HOST_IS_SLAVE","data":["10.0.0.1"]},"id":7}"""));

        Assert.Equal(XapiErrorCodes.HostIsSlave, e.ErrorCode);
        Assert.Equal(["10.0.0.1"], e.Parameters);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","error":["HOST_STILL_BOOTING"],"id":0}""")]
    [InlineData("""{"error":["HOST_STILL_BOOTING"],"id":0}""")]
    [InlineData("""{"result":null,"error":["HOST_STILL_BOOTING"],"id":0}""")]
    public void ParseReply_ErrorRaisedBeforeDispatch_IsAFailureOfTheHostNotAMalformedReply(string reply)
    {
        var e = Assert.Throws<XapiFailureException>(() => Parse(reply));

        Assert.Equal("HOST_STILL_BOOTING", e.ErrorCode);
        Assert.True(e.RaisedBeforeDispatch);
        Assert.Contains(Host, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseReply_IdZeroWithoutAnErrorArray_StillMalformed() =>
        Malformed("""{"jsonrpc":"2.0","result":"x","id":0}""");

    [Fact]
    public void ParseReply_V2SessionInvalid_ThrowsFailure()
    {
        var e = Assert.Throws<XapiFailureException>(() =>
            Parse("""{"jsonrpc":"2.0","error":{"code":1,"message":"SESSION_INVALID","data":["OpaqueRef:x"]},"id":7}"""));

        Assert.Equal(XapiErrorCodes.SessionInvalid, e.ErrorCode);
    }

    [Fact]
    public void ParseReply_V2FailureWithoutData_HasNoParameters()
    {
        var e = Assert.Throws<XapiFailureException>(() =>
            Parse("""{"jsonrpc":"2.0","error":{"code":1,"message":"MESSAGE_METHOD_UNKNOWN"},"id":7}"""));

        Assert.Empty(e.Parameters);
    }

    [Fact]
    public void ParseReply_NonStringErrorParameters_KeptAsJsonText()
    {
        var e = Assert.Throws<XapiFailureException>(() =>
            Parse("""{"result":null,"error":["MESSAGE_PARAMETER_COUNT_MISMATCH","VM.start",3,2],"id":7}"""));

        Assert.Equal(["VM.start", "3", "2"], e.Parameters);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","result":"x","id":8}""", "id does not match")]
    [InlineData("""{"jsonrpc":"2.0","result":"x","id":"7"}""", "id does not match")]
    [InlineData("""{"jsonrpc":"2.0","result":"x"}""", "no id")]
    [InlineData("""{"jsonrpc":"2.0","result":"x","id":null}""", "no id")]
    [InlineData("""{"jsonrpc":"1.0","result":"x","id":7}""", "\"jsonrpc\"")]
    [InlineData("""{"jsonrpc":"2.0","result":"x","error":{"code":1,"message":"X"},"id":7}""", "both")]
    [InlineData("""{"jsonrpc":"2.0","id":7}""", "neither")]
    [InlineData("""{"id":7}""", "neither")]
    [InlineData("""{"result":null,"error":"SESSION_INVALID","id":7}""", "v1 error")]
    [InlineData("""{"result":null,"error":[],"id":7}""", "v1 error")]
    [InlineData("""{"result":null,"error":[1],"id":7}""", "v1 error")]
    [InlineData("""{"jsonrpc":"2.0","error":["SESSION_INVALID"],"id":7}""", "v2 error")]
    [InlineData("""{"jsonrpc":"2.0","error":{"code":1,"message":""},"id":7}""", "v2 error")]
    [InlineData("""["result"]""", "not a JSON object")]
    [InlineData("""{"result":"x","error":null,"id":7,"id":7}""", "two members with the same name")]
    [InlineData("""{"jsonrpc":"2.0","result":1e999,"id":7}""", "out of range")]
    [InlineData("""{"jsonrpc":"2.0","result":"x","id":7""", "not valid JSON")]
    [InlineData("""{"jsonrpc":"2.0","res""", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("<html><head><title>404 Not Found</title></head><body>Not Found</body></html>", "not valid JSON")]
    public void ParseReply_Malformed_ThrowsMalformedReplyNamingTheProblem(string reply, string expected)
    {
        var e = Malformed(reply);

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ParseReply_MalformedReply_NeverQuotesTheReply()
    {
        var e = Malformed("""{"jsonrpc":"2.0","result":"OpaqueRef:leak","id":8}""");
        var invalid = Malformed("""{"result": OpaqueRef:leak}""");

        Assert.DoesNotContain("leak", e.Message);
        Assert.DoesNotContain("leak", invalid.Message);
        Assert.Null(invalid.InnerException);
    }

    [Fact]
    public void ParseReply_EveryTruncation_ThrowsMalformedReply()
    {
        const string reply = """{"jsonrpc":"2.0","result":{"a":["b",1,true]},"id":7}""";
        for (int length = 0; length < reply.Length; length++)
        {
            Malformed(reply[..length]);
        }
    }

    [Fact]
    public void ParseReply_NestingBeyondMaxDepth_ThrowsMalformedReply()
    {
        string deep = new string('[', JsonRpcCodec.MaxDepth + 1) + new string(']', JsonRpcCodec.MaxDepth + 1);

        Malformed($$"""{"jsonrpc":"2.0","result":{{deep}},"id":7}""");
    }
}
