package org.lorapipe.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest (the Maven project version). */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = LoraCommand.class.getPackage().getImplementationVersion();
        return new String[] {"lora " + (version == null ? "development build" : version)};
    }
}
