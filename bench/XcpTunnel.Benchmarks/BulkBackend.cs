using System.Buffers.Binary;

namespace XcpTunnel.Benchmarks;

/// <summary>
/// The console side of <see cref="BulkProtocol"/>, run by the simulator for every CONNECT to the bench VM after its
/// qemu-like RFB handshake (ServerInit sent, a <see cref="BulkProtocol.ScreenSide"/>-square screen at 32 bpp).
/// </summary>
internal static class BulkBackend
{
    /// <summary>One whole FramebufferUpdate, header and pixels, written with one call.</summary>
    private static readonly byte[] Update = CreateUpdate();

    public static async Task ServeAsync(Stream viewer, CancellationToken cancellationToken)
    {
        var header = new byte[BulkProtocol.CutTextHeaderBytes];
        var buffer = new byte[BulkProtocol.ChunkBytes];
        while (true)
        {
            int length = await ReadCutTextHeaderAsync(viewer, header, cancellationToken);
            if (length != 9)
            {
                return;
            }

            await viewer.ReadExactlyAsync(buffer.AsMemory(0, 9), cancellationToken);
            long count = BinaryPrimitives.ReadInt64BigEndian(buffer.AsSpan(1));
            switch (buffer[0])
            {
                case BulkProtocol.Download:
                    int pixels = BulkProtocol.ChunkBytes;
                    for (long left = count; left > 0; left -= pixels)
                    {
                        await viewer.WriteAsync(Update, cancellationToken);
                    }

                    break;
                case BulkProtocol.Upload:
                    for (long left = count; left > 0;)
                    {
                        int text = await ReadCutTextHeaderAsync(viewer, header, cancellationToken);
                        if (text <= 0 || text > buffer.Length)
                        {
                            return;
                        }

                        await viewer.ReadExactlyAsync(buffer.AsMemory(0, text), cancellationToken);
                        left -= text;
                    }

                    await viewer.WriteAsync(new[] { BulkProtocol.Bell }, cancellationToken);
                    break;
                case BulkProtocol.Echo:
                    var message = buffer.AsMemory(0, BulkProtocol.EchoBytes);
                    for (long i = 0; i < count; i++)
                    {
                        await viewer.ReadExactlyAsync(message, cancellationToken);
                        message.Span[0] = BulkProtocol.ServerCutText;
                        await viewer.WriteAsync(message, cancellationToken);
                    }

                    break;
                default:
                    return;
            }

            await viewer.FlushAsync(cancellationToken);
        }
    }

    /// <summary>The text length of the next ClientCutText; -1 at EOF or for any other message.</summary>
    private static async Task<int> ReadCutTextHeaderAsync(Stream viewer, byte[] header, CancellationToken cancellationToken)
    {
        if (await viewer.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken) < header.Length
            || header[0] != BulkProtocol.ClientCutText)
        {
            return -1;
        }

        return (int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
    }

    private static byte[] CreateUpdate()
    {
        var update = new byte[BulkProtocol.UpdateHeaderBytes + BulkProtocol.ChunkBytes];
        BulkProtocol.UpdateHeader().CopyTo(update, 0);
        new Random(7).NextBytes(update.AsSpan(BulkProtocol.UpdateHeaderBytes));
        return update;
    }
}
