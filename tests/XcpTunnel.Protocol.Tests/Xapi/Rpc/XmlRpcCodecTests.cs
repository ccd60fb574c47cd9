using System.Text;
using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Rpc;

namespace XcpTunnel.Protocol.Tests.Xapi.Rpc;

public sealed class XmlRpcCodecTests
{
    private const string Host = "https://xapi.test";

    /// <summary>Wraps the members of the reply struct the way xapi does (compact, bare strings).</summary>
    internal static string Reply(string members) =>
        $"<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>{members}</struct></value></param></params></methodResponse>";

    internal static string Success(string valueXml) =>
        Reply($"<member><name>Status</name><value>Success</value></member><member><name>Value</name>{valueXml}</member>");

    internal static string Failure(params string[] description) =>
        Reply("<member><name>Status</name><value>Failure</value></member><member><name>ErrorDescription</name><value><array><data>"
            + string.Concat(description.Select(d => $"<value>{d}</value>")) + "</data></array></value></member>");

    private static JsonNode? Parse(string reply) => ParseReply(Encoding.UTF8.GetBytes(reply));

    internal static JsonNode? ParseReply(byte[] body) => XmlRpcCodec.ParseReply(new MemoryStream(body), Host, XapiResultShape.All);

    private static XapiTransportException Malformed(string reply)
    {
        var e = Assert.Throws<XapiTransportException>(() => Parse(reply));
        Assert.Equal(XapiTransportFailure.MalformedReply, e.Failure);
        Assert.Contains(Host, e.Message);
        return e;
    }

    [Fact]
    public void WriteRequest_WritesMethodCallByteExact()
    {
        byte[] request = XmlRpcCodec.WriteRequest(
            "session.login_with_password",
            [JsonValue.Create("root"), JsonValue.Create("p<&>w"), JsonValue.Create("1.0"), JsonValue.Create("xcptunnel")]);

        Assert.Equal(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><methodCall><methodName>session.login_with_password</methodName><params>"
            + "<param><value><string>root</string></value></param>"
            + "<param><value><string>p&lt;&amp;&gt;w</string></value></param>"
            + "<param><value><string>1.0</string></value></param>"
            + "<param><value><string>xcptunnel</string></value></param>"
            + "</params></methodCall>",
            Encoding.UTF8.GetString(request));
    }

    [Fact]
    public void WriteRequest_IntegersAsStringsDoublesAsDoubleAndContainers()
    {
        JsonNode?[] parameters =
        [
            JsonValue.Create(9_000_000_000L),
            JsonValue.Create(30.0),
            JsonValue.Create(true),
            JsonNode.Parse("[\"VM\",5,2.5]"),
            new JsonObject { ["k"] = JsonValue.Create(false) },
            null,
        ];

        Assert.Equal(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><methodCall><methodName>m</methodName><params>"
            + "<param><value><string>9000000000</string></value></param>"
            + "<param><value><double>30</double></value></param>"
            + "<param><value><boolean>1</boolean></value></param>"
            + "<param><value><array><data><value><string>VM</string></value><value><string>5</string></value><value><double>2.5</double></value></data></array></value></param>"
            + "<param><value><struct><member><name>k</name><value><boolean>0</boolean></value></member></struct></value></param>"
            + "<param><value><nil /></value></param>"
            + "</params></methodCall>",
            Encoding.UTF8.GetString(XmlRpcCodec.WriteRequest("m", parameters)));
    }

    [Fact]
    public void WriteRequest_CharacterXmlCannotCarry_ThrowsArgumentExceptionWithoutTheValue()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            XmlRpcCodec.WriteRequest("session.login_with_password", [JsonValue.Create("root"), JsonValue.Create("se\u0001cret")]));

        Assert.DoesNotContain("se", e.Message.Replace("session", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Null(e.InnerException);
    }

    [Fact]
    public void ParseReply_BareString_ReturnsString()
    {
        Assert.Equal("OpaqueRef:8b2e", Parse(Success("<value>OpaqueRef:8b2e</value>"))!.GetValue<string>());
    }

    [Fact]
    public void ParseReply_TypedString_ReturnsString()
    {
        Assert.Equal("a b", Parse(Success("<value><string>a b</string></value>"))!.GetValue<string>());
    }

    [Fact]
    public void ParseReply_BareStringWithEntities_IsDecodedAndKeepsWhitespace()
    {
        JsonNode? result = Parse(Success("<value>  a &amp; b &lt;c&gt; &quot;q&quot; &apos;s&apos; &#233;&#x20AC; </value>"));

        Assert.Equal("  a & b <c> \"q\" 's' é€ ", result!.GetValue<string>());
    }

    [Theory]
    [InlineData("<value/>")]
    [InlineData("<value></value>")]
    [InlineData("<value><string/></value>")]
    [InlineData("<value><string></string></value>")]
    public void ParseReply_EmptyValue_IsEmptyString(string value)
    {
        Assert.Equal("", Parse(Success(value))!.GetValue<string>());
    }

    [Fact]
    public void ParseReply_Array_ReturnsStrings()
    {
        JsonNode? result = Parse(Success("<value><array><data><value>OpaqueRef:a</value><value><string>OpaqueRef:b</string></value></data></array></value>"));

        Assert.Equal(["OpaqueRef:a", "OpaqueRef:b"], result.GetXapiStringArray("refs"));
    }

    [Theory]
    [InlineData("<value><array><data/></array></value>")]
    [InlineData("<value><array><data></data></array></value>")]
    [InlineData("<value><array/></value>")]
    public void ParseReply_EmptyArray_ReturnsEmptyArray(string value)
    {
        Assert.Empty(Assert.IsType<JsonArray>(Parse(Success(value))));
    }

    [Fact]
    public void ParseReply_StructWithNestedValues_MapsEveryType()
    {
        JsonNode? result = Parse(Success(
            "<value><struct>"
            + "<member><name>name_label</name><value>web-01</value></member>"
            + "<member><name>memory_static_max</name><value>4294967296</value></member>"
            + "<member><name>is_a_template</name><value><boolean>0</boolean></value></member>"
            + "<member><name>is_control_domain</name><value><boolean>1</boolean></value></member>"
            + "<member><name>i4</name><value><i4>-12</i4></value></member>"
            + "<member><name>int</name><value><int>34</int></value></member>"
            + "<member><name>ratio</name><value><double>0.25</double></value></member>"
            + "<member><name>last_booted</name><value><dateTime.iso8601>20261124T16:22:56Z</dateTime.iso8601></value></member>"
            + "<member><name>nothing</name><value><nil/></value></member>"
            + "<member><name>other_config</name><value><struct><member><name>k</name><value>v</value></member></struct></value></member>"
            + "<member><name>empty_map</name><value><struct></struct></value></member>"
            + "<member><name>consoles</name><value><array><data><value>OpaqueRef:c</value></data></array></value></member>"
            + "</struct></value>"));

        JsonObject record = result.GetXapiObject("record");
        Assert.Equal("web-01", record["name_label"].GetXapiString("name_label"));
        Assert.Equal("4294967296", record["memory_static_max"].GetXapiString("memory_static_max"));
        Assert.Equal(4294967296L, record["memory_static_max"].GetXapiInt64("memory_static_max"));
        Assert.False(record["is_a_template"].GetXapiBool("is_a_template"));
        Assert.True(record["is_control_domain"].GetXapiBool("is_control_domain"));
        Assert.Equal(-12L, record["i4"].GetXapiInt64("i4"));
        Assert.Equal(34L, record["int"].GetXapiInt64("int"));
        Assert.Equal(0.25, record["ratio"]!.GetValue<double>());
        Assert.Equal("20261124T16:22:56Z", record["last_booted"].GetXapiString("last_booted"));
        Assert.Null(record.GetXapiMember("nothing", "record"));
        Assert.Equal("v", record["other_config"].GetXapiObject("other_config")["k"].GetXapiString("k"));
        Assert.Empty(record["empty_map"].GetXapiObject("empty_map"));
        Assert.Equal(["OpaqueRef:c"], record["consoles"].GetXapiStringArray("consoles"));
    }

    [Fact]
    public void ParseReply_IndentedReply_IgnoresWhitespaceBetweenElements()
    {
        const string reply = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- pretty printed -->
            <methodResponse>
              <params>
                <param>
                  <value>
                    <struct>
                      <member>
                        <name>Status</name>
                        <value>Success</value>
                      </member>
                      <member>
                        <name>Value</name>
                        <value>
                          <array>
                            <data>
                              <value>a</value>
                              <value> <i4>1</i4> </value>
                            </data>
                          </array>
                        </value>
                      </member>
                    </struct>
                  </value>
                </param>
              </params>
            </methodResponse>

            """;

        JsonArray result = Assert.IsType<JsonArray>(Parse(reply));
        Assert.Equal("a", result[0]!.GetValue<string>());
        Assert.Equal(1L, result[1].GetXapiInt64("n"));
    }

    [Fact]
    public void ParseReply_SessionInvalid_ThrowsFailureWithRedactedRef()
    {
        var e = Assert.Throws<XapiFailureException>(() => Parse(Failure("SESSION_INVALID", "OpaqueRef:secret-session")));

        Assert.Equal(XapiErrorCodes.SessionInvalid, e.ErrorCode);
        Assert.Equal(["<redacted>"], e.Parameters);
        Assert.DoesNotContain("secret-session", e.Message);
    }

    [Fact]
    public void ParseReply_HostIsSlave_ThrowsFailureWithCoordinatorAddress()
    {
        var e = Assert.Throws<XapiFailureException>(() => Parse(Failure("HOST_IS_SLAVE", "10.0.0.1")));

        Assert.Equal(XapiErrorCodes.HostIsSlave, e.ErrorCode);
        Assert.Equal(["10.0.0.1"], e.Parameters);
    }

    [Fact]
    public void ParseReply_FailureWithTypedStrings_ReadsCodeAndParameters()
    {
        var e = Assert.Throws<XapiFailureException>(() => Parse(Failure("<string>UUID_INVALID</string>", "<string>VM</string>", "")));

        Assert.Equal(XapiErrorCodes.UuidInvalid, e.ErrorCode);
        Assert.Equal(["VM", ""], e.Parameters);
    }

    [Theory]
    [InlineData("<member><name>Value</name><value>x</value></member>", "no Status")]
    [InlineData("<member><name>Status</name><value>Maybe</value></member>", "neither Success nor Failure")]
    [InlineData("<member><name>Status</name><value>Success</value></member>", "no Value")]
    [InlineData("<member><name>Status</name><value>Failure</value></member>", "no ErrorDescription")]
    [InlineData("<member><name>Status</name><value>Failure</value></member><member><name>ErrorDescription</name><value><array><data></data></array></value></member>", "no ErrorDescription")]
    [InlineData("<member><name>Status</name><value>Success</value></member><member><name>Status</name><value>Success</value></member>", "same name")]
    [InlineData("<member><value>Success</value></member>", "no <name>")]
    [InlineData("<member><name>Status</name></member>", "expected a <value>")]
    [InlineData("<member><name>Status</name><value>Success</value></member><member><name>Value</name><value><boolean>2</boolean></value></member>", "<boolean>")]
    [InlineData("<member><name>Status</name><value>Success</value></member><member><name>Value</name><value><i4>x</i4></value></member>", "integer")]
    [InlineData("<member><name>Status</name><value>Success</value></member><member><name>Value</name><value><double>NaN</double></value></member>", "<double>")]
    [InlineData("<member><name>Status</name><value>Success</value></member><member><name>Value</name><value><nil>x</nil></value></member>", "<nil>")]
    [InlineData("<member><name>Status</name><value>Success</value></member><member><name>Value</name><value><foo>x</foo></value></member>", "unknown")]
    [InlineData("<member><name>Status</name><value>Success</value></member><member><name>Value</name><value>a<string>b</string></value></member>", "mixes")]
    [InlineData("<member><name>Status</name><value>Success</value></member><member><name>Value</name><value><string>a</string><string>b</string></value></member>", "</value>")]
    [InlineData("<member><name>Status</name><value>Success</value></member><member><name>Value</name><value><string>a<b/></string></value></member>", "well-formed")]
    [InlineData("<member><name>Status</name><value>Success</value></member><member><name>Value</name><value><array><value>a</value></array></value></member>", "<data>")]
    public void ParseReply_MalformedStruct_ThrowsMalformedReplyNamingTheProblem(string members, string expected)
    {
        Assert.Contains(expected, Malformed(Reply(members)).Message);
    }

    [Theory]
    [InlineData("", "well-formed")]
    [InlineData("<methodResponse><params><param><value>x</value></param></params></methodResponse>", "not a struct")]
    [InlineData("<methodResponse><params></params></methodResponse>", "<param>")]
    [InlineData("<methodResponse/>", "<methodResponse>")]
    [InlineData("<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member></struct></value></fault></methodResponse>", "fault")]
    [InlineData("<html><head><title>500 Internal Error</title></head><body>Internal Error</body></html>", "methodResponse")]
    [InlineData("<!DOCTYPE html><html></html>", "well-formed")]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaa\">]><methodResponse/>", "well-formed")]
    [InlineData("{\"result\":\"x\"}", "well-formed")]
    public void ParseReply_NotAnXapiReply_ThrowsMalformedReply(string reply, string expected)
    {
        Assert.Contains(expected, Malformed(reply).Message);
    }

    [Fact]
    public void ParseReply_TrailingElementAfterResponse_ThrowsMalformedReply()
    {
        Malformed(Success("<value>x</value>") + "<methodResponse/>");
    }

    [Fact]
    public void ParseReply_EveryTruncation_ThrowsMalformedReply()
    {
        string reply = Success("<value><struct><member><name>a</name><value><array><data><value>b</value><value><i4>1</i4></value></data></array></value></member></struct></value>");
        for (int length = 0; length < reply.Length; length++)
        {
            Malformed(reply[..length]);
        }
    }

    [Fact]
    public void ParseReply_NestingBeyondMaxDepth_ThrowsMalformedReply()
    {
        int levels = XmlRpcCodec.MaxDepth + 1;
        string deep = string.Concat(Enumerable.Repeat("<value><array><data>", levels)) + string.Concat(Enumerable.Repeat("</data></array></value>", levels));

        Assert.Contains("nested", Malformed(Success(deep)).Message);
    }

    [Fact]
    public void ParseReply_MalformedReply_NeverQuotesTheReply()
    {
        var structure = Malformed(Reply("<member><name>Status</name><value>OpaqueRef:leak</value></member>"));
        var syntax = Malformed("<methodResponse><OpaqueRef:leak></methodResponse>");

        Assert.DoesNotContain("leak", structure.Message);
        Assert.DoesNotContain("leak", syntax.Message);
        Assert.Null(syntax.InnerException);
    }
}
