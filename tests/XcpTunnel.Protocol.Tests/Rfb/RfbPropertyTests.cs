using System.Text;
using System.Text.RegularExpressions;
using FsCheck.Xunit;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Tests.Support;
using static XcpTunnel.Protocol.Tests.Rfb.RfbTestMessages;

namespace XcpTunnel.Protocol.Tests.Rfb;

/// <summary>
/// Readers over arbitrary bytes: they return a value or throw <see cref="RfbProtocolException"/>
/// (which also covers an early end of stream), never anything else; writers round-trip through readers.
/// </summary>
public partial class RfbPropertyTests
{
    [GeneratedRegex("^RFB [0-9]{3}\\.[0-9]{3}\n\\z", RegexOptions.CultureInvariant)]
    private static partial Regex VersionGrammar();

    [Property]
    public async Task ReadAsync_VersionFromArbitraryBytes_ParsesOnlyWhatMatchesTheGrammar(byte[] bytes)
    {
        bytes ??= [];
        bool matches = bytes.Length >= RfbProtocolVersion.WireLength
            && VersionGrammar().IsMatch(Encoding.Latin1.GetString(bytes, 0, RfbProtocolVersion.WireLength));
        try
        {
            await RfbProtocolVersion.ReadAsync(OneByteAtATime(bytes), CancellationToken.None).AsTask().WaitAsync(TestTimeout);
            Assert.True(matches);
        }
        catch (RfbProtocolException)
        {
            Assert.False(matches);
        }
    }

    [Property]
    public void TryParse_OneByteChangedInAValidVersion_AgreesWithTheGrammar(byte position, byte value)
    {
        byte[] bytes = Ascii("RFB 003.008\n");
        bytes[position % bytes.Length] = value;

        bool parsed = RfbProtocolVersion.TryParse(bytes, out _);

        Assert.Equal(VersionGrammar().IsMatch(Encoding.Latin1.GetString(bytes)), parsed);
    }

    [Property]
    public void WriteThenParse_AnyValidVersion_RoundTrips(ushort major, ushort minor)
    {
        var version = new RfbProtocolVersion(major % 1000, minor % 1000);
        byte[] wire = new byte[RfbProtocolVersion.WireLength];
        version.WriteTo(wire);

        Assert.Equal(version, RfbProtocolVersion.Parse(wire));
    }

    [Property]
    public async Task ReadAsync_GreetingFromArbitraryBytes_ParsesOrThrowsProtocolException(byte[] bytes, bool version33)
    {
        RfbProtocolVersion version = version33 ? RfbProtocolVersion.V3_3 : RfbProtocolVersion.V3_8;
        try
        {
            RfbSecurityGreeting greeting = await RfbSecurityGreeting.ReadAsync(OneByteAtATime(bytes ?? []), version, CancellationToken.None).AsTask().WaitAsync(TestTimeout);
            Assert.True(greeting.IsFailure || (greeting.SecurityTypes.Count > 0 && !greeting.SecurityTypes.Contains(RfbSecurityType.Invalid)));
        }
        catch (RfbProtocolException)
        {
        }
    }

    [Property]
    public async Task ReadAsync_ReasonFromArbitraryBytes_ParsesOrThrowsProtocolException(byte[] bytes)
    {
        try
        {
            await RfbFailureReason.ReadAsync(OneByteAtATime(bytes ?? []), "the reason", CancellationToken.None).AsTask().WaitAsync(TestTimeout);
        }
        catch (RfbProtocolException)
        {
        }
    }

    [Property]
    public async Task ReadAsync_SecurityResultFromArbitraryBytes_ParsesOrThrowsProtocolException(byte[] bytes, bool version38)
    {
        RfbProtocolVersion version = version38 ? RfbProtocolVersion.V3_8 : RfbProtocolVersion.V3_7;
        try
        {
            await RfbSecurityResult.ReadAsync(OneByteAtATime(bytes ?? []), version, CancellationToken.None).AsTask().WaitAsync(TestTimeout);
        }
        catch (RfbProtocolException)
        {
        }
    }

    [Property]
    public async Task ReadAsync_AnyOfferedTypeList_ReadsTheSameTypes(byte[] bytes)
    {
        byte[] types = (bytes ?? []).Where(type => type != 0).Take(byte.MaxValue).ToArray();
        if (types.Length == 0)
        {
            return;
        }

        var stream = new ChunkedStream([(byte)types.Length, .. types]);
        RfbSecurityGreeting greeting = await RfbSecurityGreeting.ReadAsync(stream, RfbProtocolVersion.V3_8, CancellationToken.None).AsTask().WaitAsync(TestTimeout);

        Assert.Equal(types, greeting.SecurityTypes.Select(type => (byte)type));
    }

    [Property]
    public async Task EncodeThenReadAsync_AnyFailureReason_RoundTripsUpToTheWriteLimit(string reason, bool version33)
    {
        reason ??= "";
        RfbProtocolVersion version = version33 ? RfbProtocolVersion.V3_3 : RfbProtocolVersion.V3_8;
        byte[] header = version33 ? [0, 0, 0, 0] : [0];
        var stream = new ChunkedStream([.. header, .. RfbFailureReason.Encode(reason)]);

        RfbSecurityGreeting greeting = await RfbSecurityGreeting.ReadAsync(stream, version, CancellationToken.None).AsTask().WaitAsync(TestTimeout);

        // What survives UTF-8 (lone surrogates become U+FFFD), cut to the write limit.
        string sendable = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(reason));
        Assert.True(greeting.IsFailure);
        Assert.StartsWith(greeting.FailureReason, sendable, StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(greeting.FailureReason) <= RfbFailureReason.MaxWrittenReasonLength);
        Assert.True(stream.IsAtEnd);
    }

    private static ChunkedStream OneByteAtATime(byte[] bytes) => new(bytes.Select(b => new[] { b }).ToArray());
}
