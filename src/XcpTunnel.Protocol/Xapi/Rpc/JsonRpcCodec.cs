using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace XcpTunnel.Protocol.Xapi.Rpc;

/// <summary>
/// XAPI's JSON-RPC wire format (docs/xapi-console-protocol.md, "RPC transports"). Requests go out as v2; replies are read in both the v1
/// and the v2 shape, because which one xapi answers with depends on its version and on the request.
/// </summary>
/// <remarks>
/// Error messages name what is wrong with the reply and never quote it: a reply may carry a session
/// reference, so neither its text nor the parser's own message (which can quote tokens) is kept.
/// </remarks>
internal static class JsonRpcCodec
{
    /// <summary>Nesting deeper than this is not an XAPI value.</summary>
    internal const int MaxDepth = 64;

    /// <summary>
    /// Writes <c>{"jsonrpc":"2.0","method":…,"params":[…],"id":…}</c> as UTF-8.
    /// </summary>
    public static byte[] WriteRequest(string method, IReadOnlyList<JsonNode?> parameters, long id)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(parameters);

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc"u8, "2.0"u8);
            writer.WriteString("method"u8, method);
            writer.WriteStartArray("params"u8);
            foreach (JsonNode? parameter in parameters)
            {
                if (parameter is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    parameter.WriteTo(writer);
                }
            }

            writer.WriteEndArray();
            writer.WriteNumber("id"u8, id);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Interprets a reply read by <see cref="JsonRpcStreamReader"/>: returns its result, or throws
    /// <see cref="XapiFailureException"/> for an XAPI failure and <see cref="XapiTransportException"/>
    /// (<see cref="XapiTransportFailure.MalformedReply"/>) for anything that is not a JSON-RPC reply to request
    /// <paramref name="expectedId"/>.
    /// </summary>
    /// <param name="reply">The reply object.</param>
    /// <param name="expectedId">The id the request was sent with.</param>
    /// <param name="host">Who sent the reply, for messages (such as <c>https://10.0.0.5</c>).</param>
    /// <remarks>
    /// <code>
    /// v1 success  {"result": R,    "error": null,              "id": N}
    /// v1 failure  {"result": null, "error": ["CODE", "p1", …], "id": N}
    /// v2 success  {"jsonrpc": "2.0", "result": R, "id": N}
    /// v2 failure  {"jsonrpc": "2.0", "error": {"code": 1, "message": "CODE", "data": ["p1", …]}, "id": N}
    /// </code>
    /// </remarks>
    public static JsonNode? Interpret(JsonObject reply, long expectedId, string host)
    {
        if (BeforeDispatch(reply, expectedId, host) is { } refused)
        {
            throw refused;
        }

        if (!reply.TryGetPropertyValue("id", out JsonNode? id) || !IsNumber(id, expectedId))
        {
            throw Malformed(host, id is null ? "the reply has no id" : "the reply's id does not match the request");
        }

        bool hasResult = reply.TryGetPropertyValue("result", out JsonNode? result);
        bool hasError = reply.TryGetPropertyValue("error", out JsonNode? error);

        if (reply.TryGetPropertyValue("jsonrpc", out JsonNode? version))
        {
            if (version is not JsonValue v || v.GetValueKind() != JsonValueKind.String || v.GetValue<string>() != "2.0")
            {
                throw Malformed(host, "the \"jsonrpc\" member is not \"2.0\"");
            }

            return (hasResult, hasError) switch
            {
                (true, false) => result,
                (false, true) => throw V2Failure(error, host),
                (true, true) => throw Malformed(host, "the reply has both a result and an error"),
                _ => throw Malformed(host, "the reply has neither a result nor an error"),
            };
        }

        // v1: xapi always sends both members; a missing "error" is read as null, as v1 peers do.
        if (hasError && error is not null)
        {
            throw V1Failure(error, host);
        }

        return hasResult ? result : throw Malformed(host, "the reply has neither a result nor an error");
    }

    // A call refused before dispatch (a host still booting, a member that lost its coordinator) gets xapi's fallback
    // reply whatever the request's id and version: an array error and id 0, with or without "jsonrpc" (8.2 leaves it
    // out). Request ids start at 1, so id 0 is never an answer to the request itself. docs/xapi-console-protocol.md,
    // "Errors before dispatch".
    private static XapiFailureException? BeforeDispatch(JsonObject reply, long expectedId, string host)
    {
        if (expectedId == 0 || !reply.TryGetPropertyValue("id", out JsonNode? id) || !IsNumber(id, 0)
            || reply["error"] is not JsonArray { Count: > 0 } error || !XapiErrorDescription.TryGetCode(error[0], out string? code))
        {
            return null;
        }

        return new XapiFailureException(code, [.. error.Skip(1).Select(XapiErrorDescription.ParameterText)], raisedBeforeDispatch: true, host);
    }

    private static XapiFailureException V1Failure(JsonNode error, string host) =>
        XapiErrorDescription.ToFailure(error)
            ?? throw Malformed(host, "the v1 error is not an array starting with an error code");

    // v2: "error": {"code": 1, "message": "CODE", "data": ["p1", …]}; data may be absent.
    private static XapiFailureException V2Failure(JsonNode? error, string host)
    {
        if (error is not JsonObject errorObject || !XapiErrorDescription.TryGetCode(errorObject["message"], out string? code))
        {
            throw Malformed(host, "the v2 error is not an object with an error code as its message");
        }

        string[] parameters = errorObject["data"] switch
        {
            null => [],
            JsonArray data => [.. data.Select(XapiErrorDescription.ParameterText)],
            JsonNode single => [XapiErrorDescription.ParameterText(single)],
        };
        return new XapiFailureException(code, parameters);
    }

    private static bool IsNumber(JsonNode? node, long expected) =>
        node is JsonValue value && value.TryGetValue(out long actual) && actual == expected;

    internal static XapiTransportException Malformed(string host, string what) =>
        new(XapiTransportFailure.MalformedReply, $"XAPI at {host} sent a malformed JSON-RPC reply: {what}");
}
