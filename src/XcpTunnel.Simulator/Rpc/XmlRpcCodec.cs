using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace XcpTunnel.Simulator.Rpc;

/// <summary>A parsed XML-RPC <c>methodCall</c>.</summary>
internal sealed record XmlRpcRequest(string Method, IReadOnlyList<object?> Params);

/// <summary>
/// xapi's XML-RPC (docs/xapi-console-protocol.md, "RPC transports"). Replies are always a struct, never <c>&lt;fault&gt;</c>:
/// <code>
/// Status = "Success", Value = R
/// Status = "Failure", ErrorDescription = ["CODE", "p1", …]
/// </code>
/// Strings are bare <c>&lt;value&gt;text&lt;/value&gt;</c>, int64 a digit string, booleans <c>&lt;boolean&gt;1&lt;/boolean&gt;</c>.
/// </summary>
internal static class XmlRpcCodec
{
    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    /// <summary>The call, or null when the body is not a well-formed <c>methodCall</c>.</summary>
    public static XmlRpcRequest? TryParse(byte[] body)
    {
        try
        {
            using var stream = new MemoryStream(body, writable: false);
            using var reader = XmlReader.Create(stream, ReaderSettings);
            XElement root = XElement.Load(reader, LoadOptions.PreserveWhitespace);
            string? method = root.Name == "methodCall" ? root.Element("methodName")?.Value.Trim() : null;
            if (string.IsNullOrEmpty(method))
            {
                return null;
            }

            List<object?> parameters = root.Element("params")?.Elements("param")
                .Select(p => ParseValue(p.Element("value") ?? throw new FormatException("param without value")))
                .ToList() ?? [];
            return new XmlRpcRequest(method, parameters);
        }
        catch (Exception e) when (e is XmlException or FormatException or OverflowException)
        {
            return null;
        }
    }

    public static byte[] Success(object? value)
    {
        var sb = new StringBuilder("<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>");
        sb.Append("<member><name>Status</name><value>Success</value></member><member><name>Value</name>");
        AppendValue(sb, value);
        sb.Append("</member></struct></value></param></params></methodResponse>");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static byte[] Failure(IReadOnlyList<string> description)
    {
        var sb = new StringBuilder("<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>");
        sb.Append("<member><name>Status</name><value>Failure</value></member><member><name>ErrorDescription</name>");
        AppendValue(sb, description.Select(d => (object?)d).ToList());
        sb.Append("</member></struct></value></param></params></methodResponse>");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static object? ParseValue(XElement value)
    {
        XElement? typed = value.Elements().FirstOrDefault();
        if (typed is null)
        {
            return value.Value; // a bare string
        }

        return typed.Name.LocalName switch
        {
            "string" => typed.Value,
            "i4" or "int" or "i8" => long.Parse(typed.Value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
            "boolean" => typed.Value.Trim() switch
            {
                "1" => true,
                "0" => false,
                _ => throw new FormatException("bad boolean"),
            },
            "double" => double.Parse(typed.Value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture),
            "dateTime.iso8601" or "base64" => typed.Value,
            "nil" => null,
            "array" => (typed.Element("data")?.Elements("value") ?? []).Select(ParseValue).ToList(),
            "struct" => typed.Elements("member").ToDictionary(
                m => m.Element("name")?.Value ?? throw new FormatException("member without name"),
                m => ParseValue(m.Element("value") ?? throw new FormatException("member without value")),
                StringComparer.Ordinal),
            _ => throw new FormatException("unknown XML-RPC type " + typed.Name.LocalName),
        };
    }

    private static void AppendValue(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("<value></value>");
                break;
            case string s:
                sb.Append("<value>").Append(Escape(s)).Append("</value>");
                break;
            case bool b:
                sb.Append("<value><boolean>").Append(b ? '1' : '0').Append("</boolean></value>");
                break;
            case long l:
                sb.Append("<value>").Append(l.ToString(CultureInfo.InvariantCulture)).Append("</value>");
                break;
            case int i:
                sb.Append("<value>").Append(i.ToString(CultureInfo.InvariantCulture)).Append("</value>");
                break;
            case double d:
                sb.Append("<value><double>").Append(d.ToString("R", CultureInfo.InvariantCulture)).Append("</double></value>");
                break;
            case IReadOnlyDictionary<string, object?> map:
                sb.Append("<value><struct>");
                foreach (KeyValuePair<string, object?> kv in map)
                {
                    sb.Append("<member><name>").Append(Escape(kv.Key)).Append("</name>");
                    AppendValue(sb, kv.Value);
                    sb.Append("</member>");
                }

                sb.Append("</struct></value>");
                break;
            case IReadOnlyList<object?> list:
                sb.Append("<value><array><data>");
                foreach (object? item in list)
                {
                    AppendValue(sb, item);
                }

                sb.Append("</data></array></value>");
                break;
            default:
                throw new InvalidOperationException("Not an RPC value: " + value.GetType().Name);
        }
    }

    private static string Escape(string s) =>
        s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
