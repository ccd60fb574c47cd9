using System.Buffers.Binary;

namespace XcpTunnel.Benchmarks;

/// <summary>
/// The console side of <see cref="BulkProtocol"/>, run by the simulator for every CONNECT to the bench VM after its
/// qemu-like RFB handshake (ServerInit sent).
/// </summary>
internal static class BulkBackend
{
    private static readonly byte[] Payload = CreatePayload();

    public static async Task ServeAsync(Stream viewer, CancellationToken cancellationToken)
    {
        var command = new byte[BulkProtocol.CommandBytes];
        var buffer = new byte[BulkProtocol.ChunkBytes];
        while (true)
        {
            if (await viewer.ReadAtLeastAsync(command, command.Length, throwOnEndOfStream: false, cancellationToken) < command.Length)
            {
                return;
            }

            long count = BinaryPrimitives.ReadInt64BigEndian(command.AsSpan(1));
            switch (command[0])
            {
                case BulkProtocol.Download:
                    for (long left = count; left > 0; left -= Math.Min(left, Payload.Length))
                    {
                        await viewer.WriteAsync(Payload.AsMemory(0, (int)Math.Min(left, Payload.Length)), cancellationToken);
                    }

                    break;
                case BulkProtocol.Upload:
                    for (long left = count; left > 0;)
                    {
                        int read = await viewer.ReadAsync(buffer.AsMemory(0, (int)Math.Min(left, buffer.Length)), cancellationToken);
                        if (read == 0)
                        {
                            return;
                        }

                        left -= read;
                    }

                    await viewer.WriteAsync(new[] { BulkProtocol.UploadAck }, cancellationToken);
                    break;
                case BulkProtocol.Echo:
                    var message = buffer.AsMemory(0, BulkProtocol.EchoBytes);
                    for (long i = 0; i < count; i++)
                    {
                        await viewer.ReadExactlyAsync(message, cancellationToken);
                        await viewer.WriteAsync(message, cancellationToken);
                    }

                    break;
                default:
                    return;
            }

            await viewer.FlushAsync(cancellationToken);
        }
    }

    private static byte[] CreatePayload()
    {
        var payload = new byte[BulkProtocol.ChunkBytes];
        new Random(7).NextBytes(payload);
        return payload;
    }
}
