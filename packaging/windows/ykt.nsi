; Installer of YKT Counter for Windows 10/11 amd64 (社保卡一卡通柜台 安装程序).
; Built by scripts/dist.sh: makensis -DDEFS=FILE packaging/windows/ykt.nsi, where FILE defines
; NAME VERSION VERSION4 PUBLISHER WEBSITE APPID ICON EXE OUTFILE (from FyneApp.toml).
;
; Command line (all optional; /S installs silently with the defaults):
;   /S                  silent
;   /SERVICE            also install the hall server as the Windows service ykt-hall (auto start)
;   /LISTEN=ADDR        the service's address (default 0.0.0.0:8090)
;   /HALL=URL           the hall server the kiosk, display and statistics shortcuts use
;                       (default: none, the demo hall embedded in ykt.exe)
;   /D=DIR              installation folder (last, unquoted; NSIS's own)
; Uninstaller: /S silent; /PURGE also deletes the data (the service's in %ProgramData%\YKT Counter
; and the current user's %APPDATA%\ykt). Without /PURGE the data stays; an interactive uninstall
; asks, with "keep" as the default answer.

!include "${DEFS}"
Unicode true
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel admin
SetCompressor /SOLID lzma

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include Sections.nsh

!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPID}"
!define SERVICE "ykt-hall"

Name "${NAME}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${NAME}"
InstallDirRegKey HKLM "${UNINSTKEY}" "InstallLocation"
BrandingText "${NAME} ${VERSION}"

VIProductVersion "${VERSION4}"
VIAddVersionKey /LANG=0 "ProductName" "${NAME}"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "FileDescription" "${NAME} installer"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION4}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "${PUBLISHER}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

LangString SecCore ${LANG_SIMPCHINESE} "一卡通柜台 (ykt.exe)"
LangString SecCore ${LANG_ENGLISH} "YKT Counter (ykt.exe)"
LangString SecMenu ${LANG_SIMPCHINESE} "开始菜单: 柜台、取号机、叫号屏、统计"
LangString SecMenu ${LANG_ENGLISH} "Start menu: workbench, kiosk, call display, statistics"
LangString SecService ${LANG_SIMPCHINESE} "大厅叫号服务 (Windows 服务 ykt-hall, 每个大厅一台)"
LangString SecService ${LANG_ENGLISH} "Hall server (Windows service ykt-hall, one per hall)"
LangString KeepData ${LANG_SIMPCHINESE} "是否同时删除本机数据 (数据库、密钥、日志)？选择“否”将保留数据。"
LangString KeepData ${LANG_ENGLISH} "Also delete this computer's data (database, keys, logs)? Choose No to keep it."

Var Listen
Var HallURL
Var HallArg
Var Purge

Section "!$(SecCore)" SecCoreID
  SectionIn RO
  SetShellVarContext all
  ; An older version's service holds ykt.exe open: stop it before the copy, start it after.
  nsExec::Exec '"$SYSDIR\sc.exe" stop ${SERVICE}'
  Pop $0
  Sleep 500
  SetOutPath "$INSTDIR"
  File "/oname=ykt.exe" "${EXE}"
  File "/oname=ykt.ico" "${ICON}"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayName" "${NAME}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTKEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINSTKEY}" "URLInfoAbout" "${WEBSITE}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\ykt.exe,0"
  WriteRegStr HKLM "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${UNINSTKEY}" "EstimatedSize" $0
  ; Restart the service of an earlier install with the new program (no-op without one).
  nsExec::Exec '"$SYSDIR\sc.exe" start ${SERVICE}'
  Pop $0
SectionEnd

Section "$(SecMenu)" SecMenuID
  SetShellVarContext all
  StrCpy $HallArg ""
  ${If} $HallURL != ""
    StrCpy $HallArg ' --hall "$HallURL"'
  ${EndIf}
  CreateDirectory "$SMPROGRAMS\${NAME}"
  CreateShortcut "$SMPROGRAMS\${NAME}\一卡通柜台 Workbench.lnk" "$INSTDIR\ykt.exe" "" "$INSTDIR\ykt.exe" 0
  CreateShortcut "$SMPROGRAMS\${NAME}\取号机 Kiosk.lnk" "$INSTDIR\ykt.exe" "--role kiosk$HallArg" "$INSTDIR\ykt.exe" 0
  CreateShortcut "$SMPROGRAMS\${NAME}\叫号屏 Call display.lnk" "$INSTDIR\ykt.exe" "--role display$HallArg" "$INSTDIR\ykt.exe" 0
  CreateShortcut "$SMPROGRAMS\${NAME}\统计 Statistics.lnk" "$INSTDIR\ykt.exe" "--role stats$HallArg" "$INSTDIR\ykt.exe" 0
  CreateShortcut "$SMPROGRAMS\${NAME}\卸载 Uninstall.lnk" "$INSTDIR\uninstall.exe"
SectionEnd

; The hall server as a Windows service: ykt.exe answers the service control manager itself
; (cli/hallserver_windows.go). Its data lives in %ProgramData%\YKT Counter\hall, readable only
; by SYSTEM and Administrators.
Section /o "$(SecService)" SecServiceID
  SetShellVarContext all
  CreateDirectory "$APPDATA\${NAME}\hall"
  nsExec::ExecToLog '"$SYSDIR\icacls.exe" "$APPDATA\${NAME}" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F'
  Pop $0
  nsExec::Exec '"$SYSDIR\sc.exe" stop ${SERVICE}'
  Pop $0
  nsExec::Exec '"$SYSDIR\sc.exe" delete ${SERVICE}'
  Pop $0
  nsExec::ExecToLog '"$SYSDIR\sc.exe" create ${SERVICE} binPath= "\"$INSTDIR\ykt.exe\" hall-server --listen $Listen --data-dir \"$APPDATA\${NAME}\hall\"" start= auto DisplayName= "${NAME} hall server"'
  Pop $0
  ${If} $0 != 0
    DetailPrint "sc create ${SERVICE} failed ($0)"
    SetErrorLevel 3
    Abort
  ${EndIf}
  nsExec::Exec '"$SYSDIR\sc.exe" description ${SERVICE} "Queue of the hall for kiosks, counters and call displays (社保卡一卡通 叫号服务)"'
  Pop $0
  nsExec::Exec '"$SYSDIR\sc.exe" failure ${SERVICE} reset= 86400 actions= restart/2000/restart/2000/restart/60000'
  Pop $0
  nsExec::Exec '"$SYSDIR\netsh.exe" advfirewall firewall add rule name="${NAME} hall server" dir=in action=allow program="$INSTDIR\ykt.exe" enable=yes profile=domain,private'
  Pop $0
  nsExec::ExecToLog '"$SYSDIR\sc.exe" start ${SERVICE}'
  Pop $0
  WriteRegStr HKLM "${UNINSTKEY}" "HallService" "${SERVICE}"
SectionEnd

; .onInit follows the sections: it selects ${SecServiceID} for /SERVICE.
Function .onInit
  SetShellVarContext all
  StrCpy $Listen "0.0.0.0:8090"
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/LISTEN=" $1
  ${IfNot} ${Errors}
    StrCpy $Listen $1
  ${EndIf}
  ClearErrors
  ${GetOptions} $0 "/HALL=" $HallURL
  ${If} ${Errors}
    StrCpy $HallURL ""
  ${EndIf}
  ClearErrors
  ${GetOptions} $0 "/SERVICE" $1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${SecServiceID}
  ${EndIf}
FunctionEnd

Function un.onInit
  SetShellVarContext all
  StrCpy $Purge 0
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/PURGE" $1
  ${IfNot} ${Errors}
    StrCpy $Purge 1
  ${ElseIfNot} ${Silent}
    MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 "$(KeepData)" IDNO +2
    StrCpy $Purge 1
  ${EndIf}
FunctionEnd

Section "Uninstall"
  SetShellVarContext all
  nsExec::Exec '"$SYSDIR\sc.exe" stop ${SERVICE}'
  Pop $0
  Sleep 1000
  nsExec::Exec '"$SYSDIR\sc.exe" delete ${SERVICE}'
  Pop $0
  nsExec::Exec '"$SYSDIR\netsh.exe" advfirewall firewall delete rule name="${NAME} hall server"'
  Pop $0
  Delete "$SMPROGRAMS\${NAME}\*.lnk"
  RMDir "$SMPROGRAMS\${NAME}"
  Delete "$INSTDIR\ykt.exe"
  Delete "$INSTDIR\ykt.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINSTKEY}"
  ${If} $Purge = 1
    RMDir /r "$APPDATA\${NAME}"
    SetShellVarContext current
    RMDir /r "$APPDATA\ykt"
  ${EndIf}
SectionEnd
