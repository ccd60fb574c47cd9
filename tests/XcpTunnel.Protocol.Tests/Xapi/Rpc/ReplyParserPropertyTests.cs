using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Rpc;

namespace XcpTunnel.Protocol.Tests.Xapi.Rpc;

/// <summary>Whatever a host sends, the parsers answer with the library's two exceptions or a value.</summary>
public sealed class ReplyParserPropertyTests
{
    private const string Host = "https://xapi.test";

    private static readonly string[] XmlTokens =
    [
        "<?xml version=\"1.0\"?>", "<methodResponse>", "</methodResponse>", "<params>", "</params>", "<param>", "</param>",
        "<value>", "</value>", "<value/>", "<struct>", "</struct>", "<member>", "</member>", "<name>", "</name>",
        "<array>", "</array>", "<data>", "</data>", "<string>", "</string>", "<boolean>", "</boolean>", "<i4>", "</i4>",
        "<int>", "</int>", "<double>", "</double>", "<nil/>", "<dateTime.iso8601>", "</dateTime.iso8601>", "<fault>", "</fault>",
        "Status", "Success", "Failure", "Value", "ErrorDescription", "SESSION_INVALID", "1", "0", "-1", "1e400", " ", "\n",
        "&amp;", "&lt;", "&#0;", "&#x1F600;", "&bogus;", "<![CDATA[x]]>", "<!-- c -->", "<!DOCTYPE x>", "é", "\uFFFF",
    ];

    private static readonly string[] JsonTokens =
    [
        "{", "}", "[", "]", ",", ":", "\"jsonrpc\"", "\"2.0\"", "\"1.0\"", "\"result\"", "\"error\"", "\"id\"", "\"code\"",
        "\"message\"", "\"data\"", "\"SESSION_INVALID\"", "null", "true", "false", "1", "7", "-0", "1e400", "1.5", "\"\\u0000\"",
        "\"\\ud800\"", "\"x", " ", "\u00e9", "\"\\q\"",
    ];

    private static readonly byte[] ValidXml = Encoding.UTF8.GetBytes(XmlRpcCodecTests.Success(
        "<value><struct><member><name>a</name><value><array><data><value>b</value><value><i4>1</i4></value>"
        + "<value><boolean>1</boolean></value><value><double>0.5</double></value></data></array></value></member></struct></value>"));

    private static readonly byte[] ValidJson = Encoding.UTF8.GetBytes(
        """{"jsonrpc":"2.0","result":{"a":["b",1,true,0.5,null,{"c":"d"}]},"id":1}""");

    private static readonly byte[] FailureJson = Encoding.UTF8.GetBytes(
        """{"result":null,"error":["HOST_IS_SLAVE","10.0.0.1"],"id":1}""");

    private static void ParseBoth(byte[] body)
    {
        OnlyXapiExceptions(() => JsonRpcCodecTests.ParseReply(body, 1));
        OnlyXapiExceptions(() => XmlRpcCodecTests.ParseReply(body));
    }

    // Anything other than these two escapes and fails the property.
    private static void OnlyXapiExceptions(Action parse)
    {
        try
        {
            parse();
        }
        catch (XapiTransportException e)
        {
            Assert.Equal(XapiTransportFailure.MalformedReply, e.Failure);
        }
        catch (XapiFailureException)
        {
        }
    }

    [Property(MaxTest = 500)]
    public void Parsers_RandomBytes_ThrowOnlyXapiExceptions(byte[] body) => ParseBoth(body ?? []);

    [Property(MaxTest = 500)]
    public void Parsers_RandomStrings_ThrowOnlyXapiExceptions(string text) => ParseBoth(Encoding.UTF8.GetBytes(text ?? ""));

    [Property(MaxTest = 1000)]
    public Property XmlRpcParser_RandomXmlTokens_ThrowsOnlyXapiExceptions() =>
        Prop.ForAll(
            Gen.Elements(XmlTokens).ArrayOf().Select(string.Concat).ToArbitrary(),
            text => ParseBoth(Encoding.UTF8.GetBytes(text)));

    [Property(MaxTest = 1000)]
    public Property JsonRpcParser_RandomJsonTokens_ThrowsOnlyXapiExceptions() =>
        Prop.ForAll(
            Gen.Elements(JsonTokens).ArrayOf().Select(string.Concat).ToArbitrary(),
            text => ParseBoth(Encoding.UTF8.GetBytes(text)));

    [Property(MaxTest = 1000)]
    public Property Parsers_ValidRepliesWithOneByteChanged_ThrowOnlyXapiExceptions() =>
        Prop.ForAll(
            Gen.Elements(ValidXml, ValidJson, FailureJson)
                .SelectMany(reply => Gen.Choose(0, reply.Length - 1).SelectMany(
                    at => ArbMap.Default.GeneratorFor<byte>().Select(value => Mutate(reply, at, value))))
                .ToArbitrary(),
            ParseBoth);

    private static byte[] Mutate(byte[] reply, int at, byte value)
    {
        byte[] copy = (byte[])reply.Clone();
        copy[at] = value;
        return copy;
    }
}
