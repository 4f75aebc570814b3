package org.perestroika.publisher.apt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.perestroika.publisher.PublishException;
import org.perestroika.publisher.SideBySide;
import org.perestroika.publisher.mirror.ByHash;
import org.perestroika.publisher.mirror.SnapshotStore;
import org.perestroika.publisher.signing.GpgKeyring;
import org.perestroika.publisher.signing.Gpgv;

/**
 * Signs a snapshot's suites: publishes the public key, declares and links the by-hash indices of
 * each suite to sign, writes its InRelease and Release.gpg and checks both with gpgv as a client
 * would. Suites are signed side by side: a new repository has a release's six suites to sign at
 * once.
 */
final class SuiteSigner {
  private final GpgKeyring keyring;
  private final Gpgv gpgv;

  SuiteSigner(GpgKeyring keyring, Gpgv gpgv) {
    this.keyring = keyring;
    this.gpgv = gpgv;
  }

  /**
   * Publishes the public key, signs the Release files of the suites that changed (every suite when
   * the conf or the key did) and checks each new signature. Untouched suites keep their signatures:
   * unchanged files let mirrors skip them.
   *
   * @param exported the suites reprepro exported anew
   * @param changed the suites whose contents changed
   */
  void sign(
      SnapshotStore.Snapshot snapshot,
      List<String> codenames,
      List<String> exported,
      Set<String> changed)
      throws IOException {
    Path dists = snapshot.publicDir().resolve("dists");
    boolean keyChanged = exportKey(snapshot);
    Path key = snapshot.publicDir().resolve("project").resolve(AptRepository.KEYRING_NAME);
    List<String> toSign =
        codenames.stream()
            .filter(
                codename ->
                    keyChanged
                        || exported.contains(codename)
                        || changed.contains(codename)
                        || !Files.isRegularFile(dists.resolve(codename).resolve("InRelease"))
                        || !Files.isRegularFile(dists.resolve(codename).resolve("Release.gpg")))
            .toList();
    List<Runnable> work = new ArrayList<>();
    for (String codename : toSign) {
      work.add(() -> signSuite(snapshot, dists.resolve(codename), key));
    }
    if (keyChanged) {
      work.add(() -> gpgv.verifyDetached(key, GpgKeyring.signatureOf(key), key));
    }
    SideBySide.runAll(work);
  }

  private void signSuite(SnapshotStore.Snapshot snapshot, Path suite, Path key) {
    Path release = suite.resolve("Release");
    if (!Files.isRegularFile(release)) {
      throw new PublishException("reprepro wrote no " + release);
    }
    // Clients fetch indices by hash, so a switch of snapshots between their reads is harmless.
    ByHash.declare(release);
    ByHash.link(
        suite,
        snapshot.kept().stream()
            .map(kept -> kept.resolve(snapshot.dir().relativize(suite)))
            .toList());
    keyring.clearsign(release, suite.resolve("InRelease"));
    keyring.detachSign(release, suite.resolve("Release.gpg"));
    gpgv.verifyClearsigned(key, suite.resolve("InRelease"));
    gpgv.verifyDetached(key, suite.resolve("Release.gpg"), release);
  }

  /**
   * Writes project/mos-archive-keyring.gpg and its .sig, unless the key is unchanged.
   *
   * @return whether the key changed
   */
  private boolean exportKey(SnapshotStore.Snapshot snapshot) throws IOException {
    Path project = snapshot.publicDir().resolve("project");
    Files.createDirectories(project);
    Path key = project.resolve(AptRepository.KEYRING_NAME);
    Path fresh = project.resolve(AptRepository.KEYRING_NAME + ".new");
    keyring.exportPublicKey(fresh);
    if (Files.isRegularFile(key)
        && Files.isRegularFile(GpgKeyring.signatureOf(key))
        && Arrays.equals(Files.readAllBytes(key), Files.readAllBytes(fresh))) {
      // Keeping the old signature keeps the file byte-identical for mirrors.
      Files.delete(fresh);
      return false;
    }
    keyring.signKeyring(fresh);
    // The signature covers the key's bytes, not its name, so both move over unchanged.
    Files.move(fresh, key, StandardCopyOption.REPLACE_EXISTING);
    Files.move(
        GpgKeyring.signatureOf(fresh),
        GpgKeyring.signatureOf(key),
        StandardCopyOption.REPLACE_EXISTING);
    return true;
  }
}
