import { Menu, shell, type BrowserWindow } from 'electron'

/** The application menu: standard roles plus the shortcuts the renderer also handles (palette, help). */
export function installMenu(win: BrowserWindow): void {
  const send = (hash: string) => () => win.webContents.executeJavaScript(`location.hash = ${JSON.stringify(hash)}`)
  const template: Electron.MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'Go',
      submenu: [
        { label: 'Subscribers', accelerator: 'CmdOrCtrl+1', click: send('#/subscribers') },
        { label: 'Console', accelerator: 'CmdOrCtrl+2', click: send('#/console') },
        { label: 'Reports', accelerator: 'CmdOrCtrl+3', click: send('#/reports') },
        { label: 'Knowledge', accelerator: 'CmdOrCtrl+4', click: send('#/knowledge') },
        { label: 'Sync', accelerator: 'CmdOrCtrl+5', click: send('#/sync') },
      ],
    },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'Wingtel Ops on the web', click: () => void shell.openExternal('https://wingtel.example') }] },
  ]
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}
