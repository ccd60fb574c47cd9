using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;

namespace XcpTunnel.Protocol.Xapi.Rpc;

/// <summary>
/// XAPI's XML-RPC wire format (docs/xapi-console-protocol.md, "RPC transports"), mapped onto the same <see cref="JsonNode"/> value model
/// as JSON-RPC so callers do not care which transport answered.
/// </summary>
/// <remarks>
/// <para>Values read: <c>string</c> and bare text → string, <c>i4</c>/<c>int</c>/<c>i8</c> → long,
/// <c>double</c> → double, <c>boolean</c> → bool, <c>struct</c> → object, <c>array</c> → array,
/// <c>dateTime.iso8601</c> and <c>base64</c> → their text, <c>nil</c> → null. XAPI sends int64 as digit
/// strings; they stay strings here (<see cref="XapiResultReader.GetXapiInt64"/> reads either form).</para>
/// <para>Values written: integers go out as <c>&lt;string&gt;</c> digits, because XAPI's <c>int</c> is
/// 64-bit, <c>i4</c> cannot carry it, and xapi (like its own SDKs) exchanges int64 as strings in
/// XML-RPC; floating-point numbers go out as <c>&lt;double&gt;</c>.</para>
/// <para>Error messages never quote the reply (it may carry a session reference).</para>
/// </remarks>
internal static class XmlRpcCodec
{
    /// <summary>Nesting deeper than this is not an XAPI value; it bounds the recursion below.</summary>
    internal const int MaxDepth = 64;

    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = false,
        CheckCharacters = true,
    };

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        // Whitespace is data inside a bare <value>; between elements it is skipped by hand.
        IgnoreWhitespace = false,
        CloseInput = true,
    };

    /// <summary>
    /// Writes <c>&lt;methodCall&gt;&lt;methodName&gt;…&lt;/methodName&gt;&lt;params&gt;&lt;param&gt;&lt;value&gt;…</c> as UTF-8.
    /// </summary>
    /// <exception cref="ArgumentException">A parameter holds a character XML cannot carry.</exception>
    public static byte[] WriteRequest(string method, IReadOnlyList<JsonNode?> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(parameters);

        using var stream = new MemoryStream(256);
        try
        {
            using var writer = XmlWriter.Create(stream, WriterSettings);
            writer.WriteStartDocument();
            writer.WriteStartElement("methodCall");
            writer.WriteElementString("methodName", method);
            writer.WriteStartElement("params");
            foreach (JsonNode? parameter in parameters)
            {
                writer.WriteStartElement("param");
                WriteValue(writer, parameter);
                writer.WriteEndElement();
            }

            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.WriteEndDocument();
        }
        catch (ArgumentException)
        {
            // The writer's message quotes the offending character; parameters may be secrets.
            throw new ArgumentException(
                $"A parameter of {method} contains a character that XML-RPC cannot carry.", nameof(parameters));
        }

        return stream.ToArray();
    }

    private static void WriteValue(XmlWriter writer, JsonNode? node)
    {
        writer.WriteStartElement("value");
        switch (node)
        {
            case null:
                writer.WriteElementString("nil", null);
                break;
            case JsonObject obj:
                writer.WriteStartElement("struct");
                foreach (KeyValuePair<string, JsonNode?> member in obj)
                {
                    writer.WriteStartElement("member");
                    writer.WriteElementString("name", member.Key);
                    WriteValue(writer, member.Value);
                    writer.WriteEndElement();
                }

                writer.WriteEndElement();
                break;
            case JsonArray array:
                writer.WriteStartElement("array");
                writer.WriteStartElement("data");
                foreach (JsonNode? item in array)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndElement();
                writer.WriteEndElement();
                break;
            case JsonValue value:
                WriteScalar(writer, value);
                break;
        }

        writer.WriteEndElement();
    }

    private static void WriteScalar(XmlWriter writer, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                writer.WriteElementString("string", value.GetValue<string>());
                break;
            case JsonValueKind.True:
                writer.WriteElementString("boolean", "1");
                break;
            case JsonValueKind.False:
                writer.WriteElementString("boolean", "0");
                break;
            case JsonValueKind.Number when TryGetFloatingPoint(value, out double real):
                writer.WriteElementString("double", real.ToString("R", CultureInfo.InvariantCulture));
                break;
            case JsonValueKind.Number:
                writer.WriteElementString("string", value.ToJsonString());
                break;
            default:
                writer.WriteElementString("nil", null);
                break;
        }
    }

    // A number is floating-point when it was made from a double or, for a value parsed from JSON text, when that
    // text has a fraction or an exponent.
    private static bool TryGetFloatingPoint(JsonValue value, out double real)
    {
        if (value.TryGetValue(out JsonElement element))
        {
            real = 0;
            return element.GetRawText().AsSpan().IndexOfAny(".eE") >= 0 && element.TryGetDouble(out real);
        }

        return value.TryGetValue(out real);
    }

    /// <summary>
    /// Reads a reply from <paramref name="body"/> as it arrives (synchronously: XmlReader pulls) and returns its
    /// <c>Value</c>, keeping only what <paramref name="result"/> names (skipped values are never materialised); or
    /// throws <see cref="XapiFailureException"/> for <c>Status = Failure</c> and <see cref="XapiTransportException"/>
    /// (<see cref="XapiTransportFailure.MalformedReply"/>) for anything that is not an XAPI reply.
    /// </summary>
    /// <param name="body">The HTTP reply body.</param>
    /// <param name="host">Who sent the reply, for messages (such as <c>https://10.0.0.5</c>).</param>
    /// <param name="result">Which parts of the <c>Value</c> to keep.</param>
    /// <remarks>
    /// <code>
    /// &lt;methodResponse&gt;&lt;params&gt;&lt;param&gt;&lt;value&gt;&lt;struct&gt;
    ///   &lt;member&gt;&lt;name&gt;Status&lt;/name&gt;&lt;value&gt;Success&lt;/value&gt;&lt;/member&gt;
    ///   &lt;member&gt;&lt;name&gt;Value&lt;/name&gt;&lt;value&gt;…&lt;/value&gt;&lt;/member&gt;        (Success)
    ///   &lt;member&gt;&lt;name&gt;ErrorDescription&lt;/name&gt;&lt;value&gt;&lt;array&gt;…    (Failure: code, params…)
    /// &lt;/struct&gt;&lt;/value&gt;&lt;/param&gt;&lt;/params&gt;&lt;/methodResponse&gt;
    /// </code>
    /// </remarks>
    public static JsonNode? ParseReply(Stream body, string host, XapiResultShape result)
    {
        JsonNode? reply = ParseResponseValue(body, host, result);
        if (reply is not JsonObject envelope)
        {
            throw Malformed(host, "the reply is not a struct");
        }

        if (!XapiErrorDescription.TryGetCode(envelope["Status"], out string? status))
        {
            throw Malformed(host, "the reply has no Status");
        }

        switch (status)
        {
            case "Success":
                return envelope.TryGetPropertyValue("Value", out JsonNode? value)
                    ? value
                    : throw Malformed(host, "a Success reply has no Value");
            case "Failure":
                throw XapiErrorDescription.ToFailure(envelope["ErrorDescription"])
                    ?? throw Malformed(host, "a Failure reply has no ErrorDescription starting with an error code");
            default:
                throw Malformed(host, "the reply's Status is neither Success nor Failure");
        }
    }

    private static JsonNode? ParseResponseValue(Stream stream, string host, XapiResultShape result)
    {
        try
        {
            using var reader = XmlReader.Create(stream, ReaderSettings);
            var envelope = XapiResultShape.Record(new Dictionary<string, XapiResultShape>
            {
                ["Status"] = XapiResultShape.All,
                ["Value"] = result,
                ["ErrorDescription"] = XapiResultShape.All,
            });
            var parser = new ReplyParser(reader, host);
            return parser.ReadMethodResponse(envelope);
        }
        catch (XmlException e)
        {
            // XmlException's message can quote the document; only its position is kept.
            throw Malformed(host, string.Create(
                CultureInfo.InvariantCulture,
                $"the body is not well-formed XML (line {e.LineNumber}, position {e.LinePosition})"));
        }
    }

    private static XapiTransportException Malformed(string host, string what) =>
        new(XapiTransportFailure.MalformedReply, $"XAPI at {host} sent a malformed XML-RPC reply: {what}");

    // Recursive descent over the reader. Each Read* starts on its element's start tag and ends on the
    // node after its end tag.
    private readonly struct ReplyParser(XmlReader reader, string host)
    {
        public JsonNode? ReadMethodResponse(XapiResultShape shape)
        {
            reader.MoveToContent();
            ExpectStart("methodResponse");
            reader.Read();
            SkipWhitespace();
            if (reader.NodeType == XmlNodeType.Element && reader.Name == "fault")
            {
                throw Malformed(host, "the reply is an XML-RPC fault, which xapi never sends");
            }

            ExpectStart("params");
            reader.Read();
            ExpectStart("param");
            reader.Read();
            JsonNode? value = ReadValue(depth: 0, shape);
            ExpectEnd("param");
            ExpectEnd("params");
            ExpectEnd("methodResponse");

            // Reading to the end makes the reader check that nothing but comments follows.
            while (reader.Read())
            {
            }

            return value;
        }

        private JsonNode? ReadValue(int depth, XapiResultShape? shape)
        {
            SkipWhitespace();
            if (reader.NodeType != XmlNodeType.Element || reader.Name != "value")
            {
                throw Malformed(host, "expected a <value>");
            }

            if (shape is null)
            {
                // Not wanted: passed over unread (the reader still checks it is well-formed).
                reader.Skip();
                return null;
            }

            if (reader.IsEmptyElement)
            {
                reader.Read();
                return JsonValue.Create("");
            }

            reader.Read();
            var text = new StringBuilder();
            while (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
            {
                text.Append(reader.Value);
                reader.Read();
            }

            if (reader.NodeType == XmlNodeType.EndElement)
            {
                // A bare <value>text</value> is a string.
                reader.Read();
                return JsonValue.Create(text.ToString());
            }

            if (reader.NodeType != XmlNodeType.Element || !string.IsNullOrWhiteSpace(text.ToString()))
            {
                throw Malformed(host, "a <value> mixes text with a typed element");
            }

            JsonNode? node = ReadTyped(depth, shape);
            ExpectEnd("value");
            return node;
        }

        private JsonNode? ReadTyped(int depth, XapiResultShape shape)
        {
            switch (reader.Name)
            {
                case "string":
                case "dateTime.iso8601":
                case "base64":
                    return JsonValue.Create(reader.ReadElementContentAsString());
                case "boolean":
                    return reader.ReadElementContentAsString().Trim() switch
                    {
                        "1" => JsonValue.Create(true),
                        "0" => JsonValue.Create(false),
                        _ => throw Malformed(host, "a <boolean> is neither 0 nor 1"),
                    };
                case "i4":
                case "int":
                case "i8":
                    return long.TryParse(reader.ReadElementContentAsString().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer)
                        ? JsonValue.Create(integer)
                        : throw Malformed(host, "an integer value is not a number in range");
                case "double":
                    return double.TryParse(reader.ReadElementContentAsString().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double real) && double.IsFinite(real)
                        ? JsonValue.Create(real)
                        : throw Malformed(host, "a <double> is not a finite number");
                case "nil":
                    return reader.ReadElementContentAsString().Length == 0
                        ? null
                        : throw Malformed(host, "a <nil> has content");
                case "array":
                    return ReadArray(depth + 1, shape);
                case "struct":
                    return ReadStruct(depth + 1, shape);
                default:
                    throw Malformed(host, "a <value> holds an unknown XML-RPC type");
            }
        }

        // <array><data><value>…</value>…</data></array>
        private JsonArray ReadArray(int depth, XapiResultShape shape)
        {
            CheckDepth(depth);
            var array = new JsonArray();
            if (reader.IsEmptyElement)
            {
                reader.Read();
                return array;
            }

            reader.Read();
            SkipWhitespace();
            if (reader.NodeType != XmlNodeType.Element || reader.Name != "data")
            {
                throw Malformed(host, "an <array> has no <data>");
            }

            bool empty = reader.IsEmptyElement;
            reader.Read();
            if (!empty)
            {
                var items = shape.Item;
                while (!AtEnd())
                {
                    var item = ReadValue(depth, items);
                    if (items is not null)
                    {
                        array.Add(item);
                    }
                }

                reader.Read();
            }

            ExpectEnd("array");
            return array;
        }

        // <struct><member><name>…</name><value>…</value></member>…</struct>
        private JsonObject ReadStruct(int depth, XapiResultShape shape)
        {
            CheckDepth(depth);
            var obj = new JsonObject();
            if (reader.IsEmptyElement)
            {
                reader.Read();
                return obj;
            }

            reader.Read();
            while (!AtEnd())
            {
                ExpectStart("member");
                reader.Read();
                SkipWhitespace();
                if (reader.NodeType != XmlNodeType.Element || reader.Name != "name")
                {
                    throw Malformed(host, "a struct <member> has no <name>");
                }

                string name = reader.ReadElementContentAsString();
                var member = shape.Member(name);
                JsonNode? value = ReadValue(depth, member);
                ExpectEnd("member");
                if (member is null)
                {
                    continue;
                }

                if (obj.ContainsKey(name))
                {
                    throw Malformed(host, "a struct has two members with the same name");
                }

                obj.Add(name, value);
            }

            reader.Read();
            return obj;
        }

        private void CheckDepth(int depth)
        {
            if (depth > MaxDepth)
            {
                throw Malformed(host, $"values are nested deeper than {MaxDepth} levels");
            }
        }

        private bool AtEnd()
        {
            SkipWhitespace();
            return reader.NodeType == XmlNodeType.EndElement;
        }

        private void SkipWhitespace()
        {
            while (reader.NodeType is XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
            {
                reader.Read();
            }
        }

        private void ExpectStart(string name)
        {
            SkipWhitespace();
            if (reader.NodeType != XmlNodeType.Element || reader.Name != name || reader.IsEmptyElement)
            {
                throw Malformed(host, $"expected <{name}>");
            }
        }

        private void ExpectEnd(string name)
        {
            SkipWhitespace();
            if (reader.NodeType != XmlNodeType.EndElement || reader.Name != name)
            {
                throw Malformed(host, $"expected </{name}>");
            }

            reader.Read();
        }
    }
}
