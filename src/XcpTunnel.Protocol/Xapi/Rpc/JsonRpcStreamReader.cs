using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace XcpTunnel.Protocol.Xapi.Rpc;

/// <summary>
/// Reads a JSON-RPC reply as it streams in, keeping of its <c>result</c> only what an <see cref="XapiResultShape"/>
/// names: memory follows what is kept, not the reply's size. The envelope (<c>jsonrpc</c>, <c>error</c>, <c>id</c>) is
/// kept whole, for <see cref="JsonRpcCodec"/> to interpret as it does a buffered reply.
/// </summary>
/// <remarks>
/// Utf8JsonReader cannot wait for more input, so this is a state machine fed token by token: between two refills
/// of the buffer it holds an explicit stack of the containers being built, never a recursion. A single token larger
/// than the buffer grows it, up to <see cref="MaxTokenBytes"/>.
/// </remarks>
internal sealed class JsonRpcStreamReader
{
    /// <summary>The longest single JSON token (a string, usually) accepted.</summary>
    internal const int MaxTokenBytes = 16 * 1024 * 1024;

    private const int InitialBufferBytes = 64 * 1024;

    private readonly List<Frame> _stack = [];
    private readonly XapiResultShape _envelope;
    private readonly string _host;
    private int _skipDepth;
    private bool _skipNextValue;
    private bool _done;

    private JsonRpcStreamReader(XapiResultShape result, string host)
    {
        _envelope = XapiResultShape.Record(new Dictionary<string, XapiResultShape>
        {
            ["jsonrpc"] = XapiResultShape.All,
            ["result"] = result,
            ["error"] = XapiResultShape.All,
            ["id"] = XapiResultShape.All,
        });
        _host = host;
    }

    private JsonNode? Root { get; set; }

    /// <summary>Reads the whole body and returns the reply object, its <c>result</c> cut to <paramref name="result"/>.</summary>
    /// <exception cref="XapiTransportException">Not JSON, or not an object.</exception>
    public static async Task<JsonObject> ReadAsync(Stream body, XapiResultShape result, string host, CancellationToken cancellationToken)
    {
        var parser = new JsonRpcStreamReader(result, host);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
        int start = 0, end = 0;
        bool final = false;
        var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = JsonRpcCodec.MaxDepth + 2 });
        try
        {
            while (true)
            {
                if (start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    buffer = Grow(buffer, end, host);
                }

                int read = await body.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                final = read == 0;
                end += read;

                var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), final, state);
                parser.Consume(ref reader);
                start += (int)reader.BytesConsumed;
                state = reader.CurrentState;
                if (final)
                {
                    return parser._done && parser.Root is JsonObject reply
                        ? reply
                        : throw JsonRpcCodec.Malformed(host, parser._done ? "the reply is not a JSON object" : "the body ended before the reply did");
                }
            }
        }
        catch (JsonException e)
        {
            throw JsonRpcCodec.Malformed(host, string.Create(
                CultureInfo.InvariantCulture, $"the body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})"));
        }
        catch (InvalidOperationException)
        {
            throw JsonRpcCodec.Malformed(host, "the body contains text that is not valid UTF-8");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Grow(byte[] buffer, int used, string host)
    {
        if (buffer.Length >= MaxTokenBytes)
        {
            throw JsonRpcCodec.Malformed(host, $"a single value is larger than {MaxTokenBytes / (1024 * 1024)} MiB");
        }

        byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
        buffer.AsSpan(0, used).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    // Every complete token in the buffer; a token cut by the buffer's end waits for the next refill.
    private void Consume(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
            if (_done)
            {
                throw JsonRpcCodec.Malformed(_host, "there is data after the reply");
            }

            Handle(ref reader);
        }
    }

    private void Handle(ref Utf8JsonReader reader)
    {
        var token = reader.TokenType;
        if (_skipDepth > 0)
        {
            _skipDepth += token switch
            {
                JsonTokenType.StartObject or JsonTokenType.StartArray => 1,
                JsonTokenType.EndObject or JsonTokenType.EndArray => -1,
                _ => 0,
            };
            return;
        }

        switch (token)
        {
            case JsonTokenType.PropertyName:
                var name = reader.GetString()!;
                var frame = _stack[^1];
                var member = frame.Shape.Member(name);
                _skipNextValue = member is null;
                _stack[^1] = frame with { Pending = name, PendingShape = member };
                return;
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                if (TakeValueShape() is not { } shape)
                {
                    _skipDepth = 1;
                    return;
                }

                if (_stack.Count >= JsonRpcCodec.MaxDepth)
                {
                    throw JsonRpcCodec.Malformed(_host, "the reply is nested too deeply");
                }

                JsonNode container = token == JsonTokenType.StartObject ? new JsonObject() : new JsonArray();
                Attach(container);
                _stack.Add(new Frame(container, shape, null, null));
                return;
            case JsonTokenType.EndObject or JsonTokenType.EndArray:
                _stack.RemoveAt(_stack.Count - 1);
                _done = _stack.Count == 0;
                return;
            default:
                if (TakeValueShape() is null)
                {
                    return;
                }

                Attach(Scalar(ref reader));
                _done = _stack.Count == 0;
                return;
        }
    }

    // The shape of the value starting now, or null to skip it: the root's, a kept member's, an array item's.
    private XapiResultShape? TakeValueShape()
    {
        if (_stack.Count == 0)
        {
            return _envelope;
        }

        var frame = _stack[^1];
        if (frame.Container is JsonArray)
        {
            return frame.Shape.Item;
        }

        var skip = _skipNextValue;
        _skipNextValue = false;
        return skip ? null : frame.PendingShape;
    }

    private void Attach(JsonNode? node)
    {
        if (_stack.Count == 0)
        {
            Root = node;
            return;
        }

        var frame = _stack[^1];
        if (frame.Container is JsonArray array)
        {
            array.Add(node);
            return;
        }

        var obj = (JsonObject)frame.Container;
        if (!obj.TryAdd(frame.Pending!, node))
        {
            throw JsonRpcCodec.Malformed(_host, "an object has two members with the same name");
        }
    }

    // The value model of the buffered parser: string, long, finite double, bool, null.
    private JsonValue? Scalar(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => JsonValue.Create(reader.GetString()!),
        JsonTokenType.Number when reader.TryGetInt64(out long integer) => JsonValue.Create(integer),
        JsonTokenType.Number when reader.TryGetDouble(out double real) && double.IsFinite(real) => JsonValue.Create(real),
        JsonTokenType.Number => throw JsonRpcCodec.Malformed(_host, "a number is out of range"),
        JsonTokenType.True => JsonValue.Create(true),
        JsonTokenType.False => JsonValue.Create(false),
        _ => null,
    };

    private sealed record Frame(JsonNode Container, XapiResultShape Shape, string? Pending, XapiResultShape? PendingShape);
}
