// Types of after-pack.mjs for its test.
export interface FakeAfterPackContext {
  appOutDir: string
  electronPlatformName: string
  arch: number
  packager: { executableName: string; appInfo: { productFilename: string } }
}
export declare const FUSES: Readonly<Record<number, boolean>>
export declare function electronBinaryPath(context: FakeAfterPackContext): string
export declare function afterPack(context: FakeAfterPackContext): Promise<void>
export default afterPack
