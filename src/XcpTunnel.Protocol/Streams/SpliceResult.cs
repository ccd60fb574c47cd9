namespace XcpTunnel.Protocol.Streams;

/// <summary>How a splice ended: the bytes it carried each way and who ended it.</summary>
/// <param name="ViewerToConsoleBytes">Bytes written to the console (read from the viewer) by this splice.</param>
/// <param name="ConsoleToViewerBytes">Bytes written to the viewer (read from the console) by this splice.</param>
/// <param name="Outcome">Who or what ended the splice.</param>
/// <param name="Error">
/// The first failure, for <see cref="SpliceOutcome.ViewerFailed"/> and <see cref="SpliceOutcome.ConsoleFailed"/>;
/// <see langword="null"/> for every other outcome.
/// </param>
public readonly record struct SpliceResult(long ViewerToConsoleBytes, long ConsoleToViewerBytes, SpliceOutcome Outcome, Exception? Error);
