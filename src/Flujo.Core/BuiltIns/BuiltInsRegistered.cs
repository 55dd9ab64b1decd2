namespace Flujo.Registration;

/// <summary>Marker singleton: <see cref="BuiltInServiceCollectionExtensions.AddFlujoBuiltIns"/> has run on this collection.</summary>
internal sealed class BuiltInsRegistered;
